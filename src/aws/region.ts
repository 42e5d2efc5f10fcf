/** A region name as the AWS SDKs accept it: a DNS host label (it becomes part of every endpoint's name). */
const REGION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** Whether `name` can be a region (`eu-west-1`); a well-formed name that is no real region passes, as in the SDK. */
export function isRegionName(name: string): boolean {
  return REGION_NAME.test(name);
}
