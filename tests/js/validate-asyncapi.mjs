// Validates an AsyncAPI document with the AsyncAPI Initiative's own parser (its schema and its Spectral rules).
// Argument: {"file": "/tmp/.../asyncapi.json"}. Prints every diagnostic; exits 1 when one is an error (severity 0).
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';

const { file } = JSON.parse(process.argv[2]);
const { document, diagnostics } = await new Parser().parse(readFileSync(file, 'utf8'));
for (const d of diagnostics) console.log(`${['error', 'warning', 'info', 'hint'][d.severity]} ${d.code}: ${d.message} at ${d.path.join('/')}`);
process.exit(document && !diagnostics.some((d) => d.severity === 0) ? 0 : 1);
