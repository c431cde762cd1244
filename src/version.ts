// prunerl's version, read from package.json once (recorded in checkpoints, policies and ONNX metadata).
import { readFileSync } from 'node:fs';

export const prunerlVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
