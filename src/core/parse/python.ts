/** Python ConsoleSpanExporter output (json.dumps indent=4 per span). TODO: implement. */
import type { BlockFormat } from './types';

export const pythonConsole: BlockFormat = {
  name: 'python-console',
  parseBlock() {
    return null;
  },
};
