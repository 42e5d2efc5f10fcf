/** The sandbox's services, in start order: Lambda writes to Logs, S3 validates destinations against Lambda. */
import type { ServiceDefinition } from './context.js';
import { eventsService } from './events/service.js';
import { lambdaService } from './lambda/service.js';
import { logsService } from './logs/service.js';
import { s3Service } from './s3/service.js';
import { sqsService } from './sqs/service.js';
import { stsService } from './sts/service.js';

export const SERVICES: readonly ServiceDefinition[] = [logsService, sqsService, lambdaService, eventsService, s3Service, stsService];

/** Requests no service claims by signature, target or path are S3's (path- or virtual-host-style). */
export const FALLBACK_SERVICE = s3Service;
