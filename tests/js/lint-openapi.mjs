// Lints OpenAPI documents with Redocly CLI's recommended rules (warnings allowed, errors fail).
// Argument: {"files": ["/tmp/.../customer.json", ...]}. Telemetry and update checks are off: tests talk to loopback only.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const { files } = JSON.parse(process.argv[2]);
const run = spawnSync(process.execPath, [cli, 'lint', ...files, '--format=summary'], {
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  encoding: 'utf8',
});
process.stdout.write(run.stdout + run.stderr);
process.exit(run.status ?? 1);
