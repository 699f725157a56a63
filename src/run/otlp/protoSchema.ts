/**
 * Where the OTLP trace schema comes from: the official `.proto` files in `proto/` (copied from
 * opentelemetry-proto, see proto/README.md) are the source; `traceService.json` is the same schema
 * as protobufjs's JSON descriptor, which the bundled extension and CLI load without reading files.
 * Regenerate it after updating the `.proto` files:
 *
 *   npx tsx src/run/otlp/protoSchema.ts --write
 *
 * (test/unit/otlp-receiver.test.ts fails while the two differ).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';

/** The service file that imports the rest (trace, common, resource). */
const ENTRY = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The folder holding the `.proto` files, by import path. */
export const PROTO_DIR = path.join(__dirname, 'proto');

/** The descriptor file the receiver loads. */
export const DESCRIPTOR_FILE = path.join(__dirname, 'traceService.json');

/** The trace service schema read from the `.proto` files, as protobufjs's JSON descriptor text. */
export function descriptorFromProtoFiles(): string {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  root.loadSync(ENTRY);
  return JSON.stringify(root.toJSON(), null, 1) + '\n';
}

if (require.main === module && process.argv.includes('--write')) {
  fs.writeFileSync(DESCRIPTOR_FILE, descriptorFromProtoFiles());
  console.log(`wrote ${DESCRIPTOR_FILE}`);
}
