/** Go stdouttrace output, pretty (WithPrettyPrint) and compact (one JSON object per line). TODO: implement. */
import type { BlockFormat, JsonLineFormat } from './types';

export const goStdouttracePretty: BlockFormat = {
  name: 'go-stdouttrace',
  parseBlock() {
    return null;
  },
};

export const goStdouttraceLines: JsonLineFormat = {
  name: 'go-stdouttrace',
  parseValue() {
    return null;
  },
};
