import type { ListWritableBucketsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `GET /_trove/api/buckets/writable`: the buckets the caller may upload into (UploadImage), and
 * where in them when its allow-lists say so (`keyPrefixes`). Only the caller's own: its account's
 * buckets and read-write grants, never another account's. `anyBucket` is true for the local pair
 * on a Trove without credentials, which may write any bucket (a new name becomes a bucket folder).
 * One answer, no pages: it lists registered buckets, which an operator creates by hand.
 */
export function listWritableBuckets(services: TroveServices): Operation<ListWritableBucketsInput> {
  return {
    name: 'ListWritableBuckets',
    input: inputShapes.ListWritableBuckets,
    async handle(_input, { caller }) {
      return services.imageUploads.writableBuckets(caller);
    },
  };
}
