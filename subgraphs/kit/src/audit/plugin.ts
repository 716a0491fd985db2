import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { AuditRecorder } from './recorder';
import { RETURNED_AUDIT_EXTENSION } from './returned';

/**
 * Writes the request's access-log batch before the response leaves, in the gateway and in every
 * subgraph. If it cannot be written the response carries no data at all: nothing sensitive leaves
 * without its entry. Put it after every plugin that records in willSendResponse: the batch is taken
 * when the flush starts.
 */
export function failClosedAudit<Context extends BaseContext & { audit?: AuditRecorder | undefined }>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue?.audit) return;
          // Called by the gateway with returnAudit: the entries go back with the answer, which the gateway
          // holds until it has appended them. An HTTP error answer's body is not read there: write those here.
          const status = response.http.status;
          const returnTo = contextValue.audit.returnTo;
          if (returnTo !== null && response.body.kind === 'single' && (status === undefined || status === 200)) {
            const returned = contextValue.audit.takeReturned();
            if (returned) {
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, [RETURNED_AUDIT_EXTENSION]: returned };
            }
            return;
          }
          try {
            await contextValue.audit.flush();
          } catch {
            if (response.body.kind === 'single') {
              response.body.singleResult.data = null;
              response.body.singleResult.errors = [
                {
                  message: 'The access log could not be written, so no data was returned. Try again shortly.',
                  extensions: { code: 'AUDIT_UNAVAILABLE' },
                },
              ];
            }
          }
        },
      };
    },
  };
}
