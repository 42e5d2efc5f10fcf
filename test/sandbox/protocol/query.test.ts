import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexedMembers } from '../../../src/sandbox/protocol/query.js';

test('indexedMembers: flattened query-protocol lists grouped by index, in index order', () => {
  const params = new URLSearchParams(
    'Action=SetQueueAttributes&Attribute.2.Name=B&Attribute.2.Value=2&Attribute.1.Name=A&Attribute.1.Value=1' +
      '&MessageAttribute.1.Name=n&MessageAttribute.1.Value.StringValue=v&MessageAttribute.1.Value.DataType=String' +
      '&AttributeName.1=All&AttributeName.10=QueueArn&AttributeName.x=ignored',
  );
  assert.deepEqual(indexedMembers(params, 'Attribute'), [
    { Name: 'A', Value: '1' },
    { Name: 'B', Value: '2' },
  ]);
  assert.deepEqual(indexedMembers(params, 'MessageAttribute'), [{ Name: 'n', 'Value.StringValue': 'v', 'Value.DataType': 'String' }]);
  assert.deepEqual(indexedMembers(params, 'AttributeName'), [{ '': 'All' }, { '': 'QueueArn' }]);
  assert.deepEqual(indexedMembers(params, 'Missing'), []);
});
