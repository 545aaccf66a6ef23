import type { GetCallerIdentityInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `GET /_trove/api/caller`: who the signature says the caller is (account, region of the
 * credential scope, access key) and the credential's allow-lists, so clients such as the console
 * can tell what they may do before trying. Like AWS STS GetCallerIdentity it needs no permission.
 */
export function getCallerIdentity(_services: TroveServices): Operation<GetCallerIdentityInput> {
  return {
    name: 'GetCallerIdentity',
    input: inputShapes.GetCallerIdentity,
    async handle(_input, { caller }) {
      return {
        account: caller.account,
        region: caller.region,
        accessKeyId: caller.accessKeyId,
        // Absent lists mean "everything in the account"; sent as null so clients need not guess.
        allowActions: caller.allowActions ?? null,
        allowResources: caller.allowResources ?? null,
      };
    },
  };
}
