// The log's own net: fields named for personal data or secrets are redacted as they are
// written, up to three levels deep (the diagnostics bundle redacts again, at any depth).
import { describe, expect, it } from 'vitest';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { LogCapture } from '../helpers.ts';

describe('the log', () => {
  it('redacts personal fields as it writes them, nested up to three levels', () => {
    const capture = new LogCapture();
    const logger = createStreamLogger(capture);
    logger.info(
      {
        draft: { applicant: { name: '欧阳晓梦', idNumber: '510104199003072468', keep: 2 } },
        answers: { applicantName: '欧阳晓梦', phone: '13987654321' },
        address: '云南省昆明市',
      },
      'saved',
    );
    const line = JSON.parse(capture.lines[0]!);
    expect(line).toMatchObject({
      draft: { applicant: { name: '[redacted]', idNumber: '[redacted]', keep: 2 } },
      answers: { applicantName: '[redacted]', phone: '[redacted]' },
      address: '[redacted]',
    });
    expect(capture.text).not.toMatch(/欧阳|510104199003072468|13987654321|昆明/);
  });
});
