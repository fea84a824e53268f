// The applicant's page is the same renderer bundle at this path (the host serves
// index.html for it; the Electron shell loads it on the second display).
export const APPLICANT_PATH = '/applicant';

export function isApplicantPath(pathname: string): boolean {
  return pathname === APPLICANT_PATH || pathname === `${APPLICANT_PATH}/`;
}
