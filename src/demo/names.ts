/** The demo's resources, named so nobody mistakes them for their own data; re-running replaces exactly these. */
export const DEMO_PROJECT = 'trove-demo';
/** The bucket of the demo's pictures and nothing else: s3://trove-demo/rekognition/... */
export const DEMO_BUCKET = 'trove-demo';
