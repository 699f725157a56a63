/**
 * Where the real OpenTelemetry SDKs of each language are for the run tests: installed by
 * `.ci/install-sdks.sh` from each language's own registry, the way its users install them.
 * A missing SDK fails the test that needs it, saying how to install it: nothing is skipped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The cache folder `.ci/install-sdks.sh` fills (same default, same variable). */
export const SDK_DIR = process.env.SPAN_LENS_SDK_DIR || path.join(os.homedir(), '.cache', 'span-lens-sdks');

/** The folder of the repository (for the install hint). */
const REPO = path.resolve(__dirname, '../..');

/** An Error that says which part of `.ci/install-sdks.sh` installs what is missing. */
export function sdkMissing(part: string, what: string): Error {
  return new Error(`${what} is missing: run \`bash .ci/install-sdks.sh ${part}\` in ${REPO} (SPAN_LENS_SDK_DIR=${SDK_DIR})`);
}

/** The virtualenv's Python, with opentelemetry-sdk from PyPI (test/fixtures/python/requirements.txt). */
export const VENV_PYTHON = path.join(SDK_DIR, 'python-venv', 'bin', 'python');

/** VENV_PYTHON, or an Error saying how to install it: call in a `before` hook so the tests fail, not skip. */
export function pythonWithSdk(): string {
  if (!fs.existsSync(VENV_PYTHON)) throw sdkMissing('python', `the virtualenv with opentelemetry-sdk (${VENV_PYTHON})`);
  return VENV_PYTHON;
}
