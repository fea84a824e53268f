import { isApiCallError } from '../api/client.ts';
import { errorMessage } from '../../src-main/common/i18n/index.ts';

/** The Chinese message for anything a call can throw. */
export function describeError(error: unknown): string {
  if (isApiCallError(error)) return errorMessage(error.code, error.params);
  return errorMessage('internal');
}
