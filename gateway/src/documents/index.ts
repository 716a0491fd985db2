import { clientAccessReport } from './client-access-report';
import { clientRecordExtract } from './client-record-extract';
import { refusalCertificate } from './refusal-certificate';
import type { DocumentRenderer } from './route';

export { DEFAULT_OMBUDSMAN_ADDRESS, type DocumentSettings, documentsHandler, isDocumentsPath } from './route';

/** The printable documents served at `GET /documents/{kind}/{id}` (DESIGN.md §6). */
export const DOCUMENT_RENDERERS: Record<string, DocumentRenderer> = {
  'client-access-report': clientAccessReport,
  'refusal-certificate': refusalCertificate,
  'client-record-extract': clientRecordExtract,
};
