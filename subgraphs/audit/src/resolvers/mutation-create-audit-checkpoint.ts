import { appError } from '@vartija/kit';
import { logAuditLogAction, requireCheckpointer } from '../auditor';
import { CheckpointRefused, createCheckpoint, NothingToCheckpoint } from '../checkpoint';
import type { MutationResolvers } from '../generated/resolvers-types';

export const createAuditCheckpoint: MutationResolvers['createAuditCheckpoint'] = async (_root, _args, ctx) => {
  requireCheckpointer(ctx, 'createAuditCheckpoint');
  const checkpoints = ctx.loaders.checkpoints;
  if (!checkpoints?.canSign) {
    throw appError('CONFLICT', 'Audit checkpoints are not configured for this audit service (AUDIT_CHECKPOINT_DIR and a signing key).');
  }
  try {
    const { checkpoint, created } = await createCheckpoint(ctx.db, checkpoints);
    logAuditLogAction(ctx, 'createAuditCheckpoint', `checkpoint of entry ${checkpoint.seq}${created ? '' : ' (unchanged)'}: ${checkpoint.name}`);
    return { seq: checkpoint.seq, at: checkpoint.at, entryAt: checkpoint.entryAt, keyId: checkpoint.keyId, created };
  } catch (error) {
    if (!(error instanceof CheckpointRefused || error instanceof NothingToCheckpoint)) throw error;
    logAuditLogAction(ctx, 'createAuditCheckpoint', `refused: ${error.message}`);
    throw appError('CONFLICT', `No checkpoint was made: ${error.message}`);
  }
};
