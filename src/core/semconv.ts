/**
 * The deprecated attribute keys of the OpenTelemetry semantic conventions, bundled so the
 * `deprecated-attribute` check works offline. Taken from the `deprecated` entries of the
 * semantic-conventions attribute registry (model/**\/registry-deprecated.yaml, as of v1.44 and
 * the registry after it), plus keys deprecated before the registry existed (http.retry_count,
 * messaging.destination, faas.execution, …) that older instrumentation still emits.
 *
 * Left out on purpose: registry entries marked deprecated only because they moved to the GenAI
 * conventions repository (still valid there), and metric-only keys so generic that user
 * attributes collide with them (`state`, `pool.name`, `message.type`, `message.id`, `event.name`).
 * Pure: no vscode, no Node APIs.
 */
import type { SpanKind } from './model';

export interface DeprecatedAttribute {
  /** The deprecated key; for a template (`k8s.pod.labels.<key>`) the prefix without the dot. */
  key: string;
  /** The key to use instead, when there is exactly one (a prefix for templates). */
  replacement?: string;
  /** Replacement chosen by span kind (`net.peer.name` is `server.address` on a CLIENT span, `client.address` on a SERVER span). */
  byKind?: Partial<Record<SpanKind, string>>;
  /** What the conventions say to do, when renaming the key is not the whole story. */
  note?: string;
  /** Renaming the key is the whole fix: the value keeps its type and meaning. */
  renameOnly: boolean;
  /** A template key: `key.<anything>` is deprecated, and `replacement.<anything>` replaces it. */
  template?: boolean;
}

type Row = [key: string, replacement: string | null, note?: string, extra?: Partial<DeprecatedAttribute>];

const REMOVED = 'removed from the conventions, with no replacement';

/** `[deprecated key, replacement or null, note]`; a replacement without a note is a plain rename. */
const ROWS: Row[] = [
  // HTTP
  ['http.method', 'http.request.method'],
  ['http.status_code', 'http.response.status_code'],
  ['http.scheme', 'url.scheme'],
  ['http.url', 'url.full'],
  ['http.target', null, 'split into url.path and url.query'],
  ['http.request_content_length', 'http.request.header.content-length', 'the header attribute is a string array'],
  ['http.response_content_length', 'http.response.header.content-length', 'the header attribute is a string array'],
  ['http.client_ip', 'client.address'],
  ['http.host', null, 'use server.address, client.address or http.request.header.host, depending on the side'],
  ['http.request_content_length_uncompressed', 'http.request.body.size'],
  ['http.response_content_length_uncompressed', 'http.response.body.size'],
  ['http.server_name', 'server.address'],
  ['http.flavor', 'network.protocol.version', 'split into network.protocol.name ("http") and network.protocol.version ("1.1")'],
  ['http.user_agent', 'user_agent.original'],
  ['http.retry_count', 'http.request.resend_count'],
  ['http.resend_count', 'http.request.resend_count'],
  // Network
  ['net.peer.name', null, 'server.address on client spans, client.address on server spans', { byKind: { CLIENT: 'server.address', PRODUCER: 'server.address', SERVER: 'client.address', CONSUMER: 'client.address' } }],
  ['net.peer.port', null, 'server.port on client spans, client.port on server spans', { byKind: { CLIENT: 'server.port', PRODUCER: 'server.port', SERVER: 'client.port', CONSUMER: 'client.port' } }],
  ['net.peer.ip', 'network.peer.address'],
  ['net.host.name', 'server.address'],
  ['net.host.ip', 'network.local.address'],
  ['net.host.port', 'server.port'],
  ['net.sock.peer.name', null, REMOVED],
  ['net.sock.peer.addr', 'network.peer.address'],
  ['net.sock.peer.port', 'network.peer.port'],
  ['net.sock.host.addr', 'network.local.address'],
  ['net.sock.host.port', 'network.local.port'],
  ['net.sock.family', null, 'split into network.transport and network.type'],
  ['net.transport', 'network.transport', 'values changed too: ip_tcp → tcp, ip_udp → udp'],
  ['net.protocol.name', 'network.protocol.name'],
  ['net.protocol.version', 'network.protocol.version'],
  ['net.app.protocol.name', 'network.protocol.name'],
  ['net.app.protocol.version', 'network.protocol.version'],
  ['peer.service', 'service.peer.name'],
  ['tls.client.server_name', 'server.address'],
  // Databases
  ['db.statement', 'db.query.text'],
  ['db.operation', 'db.operation.name'],
  ['db.name', 'db.namespace'],
  ['db.system', 'db.system.name'],
  ['db.connection_string', null, 'record server.address and server.port instead (and never the password)'],
  ['db.user', null, REMOVED],
  ['db.jdbc.driver_classname', null, REMOVED],
  ['db.mssql.instance_name', null, REMOVED],
  ['db.instance.id', null, 'removed; for Elasticsearch use db.elasticsearch.node.name'],
  ['db.sql.table', 'db.collection.name', 'only when it is not parsed out of db.query.text'],
  ['db.cassandra.table', 'db.collection.name'],
  ['db.cassandra.keyspace', 'db.namespace'],
  ['db.hbase.namespace', 'db.namespace'],
  ['db.cosmosdb.container', 'db.collection.name'],
  ['db.mongodb.collection', 'db.collection.name'],
  ['db.redis.database_index', 'db.namespace', 'db.namespace is a string'],
  ['db.elasticsearch.cluster.name', 'db.namespace'],
  ['db.elasticsearch.node.name', 'elasticsearch.node.name'],
  ['db.elasticsearch.path_parts', 'db.operation.parameter', undefined, { template: true }],
  ['db.cosmosdb.status_code', 'db.response.status_code', 'db.response.status_code is a string'],
  ['db.cosmosdb.operation_type', null, REMOVED],
  ['db.cosmosdb.client_id', 'azure.client.id'],
  ['db.cosmosdb.connection_mode', 'azure.cosmosdb.connection.mode'],
  ['db.cosmosdb.request_charge', 'azure.cosmosdb.operation.request_charge'],
  ['db.cosmosdb.request_content_length', 'azure.cosmosdb.request.body.size'],
  ['db.cosmosdb.sub_status_code', 'azure.cosmosdb.response.sub_status_code'],
  ['db.cosmosdb.consistency_level', 'azure.cosmosdb.consistency.level'],
  ['db.cosmosdb.regions_contacted', 'azure.cosmosdb.operation.contacted_regions'],
  ['db.cassandra.coordinator.dc', 'cassandra.coordinator.dc'],
  ['db.cassandra.coordinator.id', 'cassandra.coordinator.id'],
  ['db.cassandra.consistency_level', 'cassandra.consistency.level'],
  ['db.cassandra.idempotence', 'cassandra.query.idempotent'],
  ['db.cassandra.page_size', 'cassandra.page.size'],
  ['db.cassandra.speculative_execution_count', 'cassandra.speculative_execution.count'],
  ['db.client.connections.state', 'db.client.connection.state'],
  ['db.client.connections.pool.name', 'db.client.connection.pool.name'],
  // Messaging
  ['messaging.operation', 'messaging.operation.type'],
  ['messaging.client_id', 'messaging.client.id'],
  ['messaging.destination', 'messaging.destination.name'],
  ['messaging.destination_kind', null, REMOVED],
  ['messaging.temp_destination', 'messaging.destination.temporary'],
  ['messaging.message_id', 'messaging.message.id'],
  ['messaging.conversation_id', 'messaging.message.conversation_id'],
  ['messaging.message_payload_size_bytes', 'messaging.message.body.size'],
  ['messaging.protocol', 'network.protocol.name'],
  ['messaging.protocol_version', 'network.protocol.version'],
  ['messaging.kafka.partition', 'messaging.destination.partition.id', 'the partition id is a string'],
  ['messaging.kafka.destination.partition', 'messaging.destination.partition.id', 'the partition id is a string'],
  ['messaging.kafka.message_key', 'messaging.kafka.message.key'],
  ['messaging.kafka.tombstone', 'messaging.kafka.message.tombstone'],
  ['messaging.kafka.message.offset', 'messaging.kafka.offset'],
  ['messaging.kafka.consumer.group', 'messaging.consumer.group.name'],
  ['messaging.rabbitmq.routing_key', 'messaging.rabbitmq.destination.routing_key'],
  ['messaging.rocketmq.client_group', 'messaging.consumer.group.name', 'on consumer spans only; producer spans have no replacement'],
  ['messaging.eventhubs.consumer.group', 'messaging.consumer.group.name'],
  ['messaging.servicebus.destination.subscription_name', 'messaging.destination.subscription.name'],
  ['messaging.destination_publish.anonymous', null, REMOVED],
  ['messaging.destination_publish.name', null, REMOVED],
  // RPC
  ['rpc.system', 'rpc.system.name'],
  ['rpc.service', null, 'include the service in rpc.method, which is now fully qualified'],
  ['rpc.grpc.status_code', 'rpc.status_code', 'rpc.status_code holds the status as a string ("OK", "NOT_FOUND")'],
  ['rpc.connect_rpc.error_code', 'rpc.status_code'],
  ['rpc.response.status_code', 'rpc.status_code'],
  ['rpc.jsonrpc.error_code', 'rpc.status_code', 'rpc.status_code holds the code as a string'],
  ['rpc.jsonrpc.error_message', null, 'put the message in the span status description'],
  ['rpc.jsonrpc.request_id', 'jsonrpc.request.id'],
  ['rpc.jsonrpc.version', 'jsonrpc.protocol.version'],
  ['rpc.grpc.request.metadata', 'rpc.request.metadata', undefined, { template: true }],
  ['rpc.grpc.response.metadata', 'rpc.response.metadata', undefined, { template: true }],
  ['rpc.connect_rpc.request.metadata', 'rpc.request.metadata', undefined, { template: true }],
  ['rpc.connect_rpc.response.metadata', 'rpc.response.metadata', undefined, { template: true }],
  ['rpc.message.type', null, REMOVED],
  ['rpc.message.id', null, REMOVED],
  ['rpc.message.compressed_size', null, REMOVED],
  ['rpc.message.uncompressed_size', null, REMOVED],
  // Code
  ['code.function', 'code.function.name', 'code.function.name is fully qualified: include the namespace'],
  ['code.namespace', 'code.function.name', 'code.function.name is fully qualified: include the function'],
  ['code.filepath', 'code.file.path'],
  ['code.lineno', 'code.line.number'],
  ['code.column', 'code.column.number'],
  // Errors and exceptions
  ['error.message', null, 'use a domain-specific message attribute, or the span status description'],
  ['exception.escaped', null, 'no longer recorded; record only exceptions that escape the span'],
  // Users, resources, environment
  ['enduser.role', 'user.roles', 'user.roles is a string array'],
  ['enduser.scope', null, REMOVED],
  ['deployment.environment', 'deployment.environment.name'],
  ['otel.library.name', 'otel.scope.name'],
  ['otel.library.version', 'otel.scope.version'],
  ['faas.execution', 'faas.invocation_id'],
  ['container.runtime', 'container.runtime.name'],
  ['container.labels', 'container.label', undefined, { template: true }],
  ['k8s.pod.labels', 'k8s.pod.label', undefined, { template: true }],
  ['android.state', 'android.app.state'],
  ['ios.state', 'ios.app.state'],
  ['az.service_request_id', 'azure.service.request.id'],
  ['az.namespace', 'azure.resource_provider.namespace'],
  // Feature flags
  ['feature_flag.provider_name', 'feature_flag.provider.name'],
  ['feature_flag.evaluation.reason', 'feature_flag.result.reason'],
  ['feature_flag.variant', 'feature_flag.result.variant'],
  ['feature_flag.evaluation.error.message', 'feature_flag.error.message'],
  // GenAI (the keys the conventions replaced, not the ones that only moved repository)
  ['gen_ai.usage.prompt_tokens', 'gen_ai.usage.input_tokens'],
  ['gen_ai.usage.completion_tokens', 'gen_ai.usage.output_tokens'],
  ['gen_ai.system', 'gen_ai.provider.name'],
  ['gen_ai.prompt', null, 'removed; record prompts as gen_ai.input.messages (opt-in), if at all'],
  ['gen_ai.completion', null, 'removed; record completions as gen_ai.output.messages (opt-in), if at all'],
  ['gen_ai.openai.request.seed', 'gen_ai.request.seed'],
  ['gen_ai.openai.request.response_format', 'gen_ai.output.type', 'the values differ ("json_object" → "json")'],
  ['gen_ai.openai.request.service_tier', 'openai.request.service_tier'],
  ['gen_ai.openai.response.service_tier', 'openai.response.service_tier'],
  ['gen_ai.openai.response.system_fingerprint', 'openai.response.system_fingerprint'],
  // System and process (mostly metric attributes, listed for completeness)
  ['process.cpu.state', 'cpu.mode'],
  ['system.cpu.state', 'cpu.mode'],
  ['container.cpu.state', 'cpu.mode'],
  ['system.cpu.logical_number', 'cpu.logical_number'],
  ['system.network.state', 'network.connection.state'],
  ['system.paging.type', 'system.paging.fault.type'],
  ['system.processes.status', 'process.state'],
  ['system.process.status', 'process.state'],
  ['process.context_switch_type', 'process.context_switch.type'],
  ['process.paging.fault_type', 'system.paging.fault.type'],
  ['process.executable.build_id.profiling', 'process.executable.build_id.htlhash'],
  ['linux.memory.slab.state', 'system.memory.linux.slab.state'],
  // Source control
  ['vcs.repository.ref.name', 'vcs.ref.head.name'],
  ['vcs.repository.ref.type', 'vcs.ref.head.type'],
  ['vcs.repository.ref.revision', 'vcs.ref.head.revision'],
  ['vcs.repository.change.title', 'vcs.change.title'],
  ['vcs.repository.change.id', 'vcs.change.id'],
];

function toEntry([key, replacement, note, extra]: Row): DeprecatedAttribute {
  return {
    key,
    ...(replacement ? { replacement } : {}),
    ...(note ? { note } : {}),
    // A kind-dependent replacement is still a plain rename once the span's kind is known.
    renameOnly: extra?.byKind ? true : !note && !!replacement,
    ...extra,
  };
}

/** Every deprecated key this table knows, exact keys and template prefixes alike. */
export const DEPRECATED_ATTRIBUTES: readonly DeprecatedAttribute[] = ROWS.map(toEntry);

const exact = new Map<string, DeprecatedAttribute>();
const templates: DeprecatedAttribute[] = [];
for (const e of DEPRECATED_ATTRIBUTES) {
  if (e.template) templates.push(e);
  else exact.set(e.key, e);
}

/** A deprecated key found on a span, with the replacement key resolved for it. */
export interface DeprecatedUse {
  entry: DeprecatedAttribute;
  /** The full key to use instead (template suffix kept, kind resolved), when there is one. */
  replacement?: string;
}

/**
 * Is `key` deprecated, and by what is it replaced on a span of `kind`? Exact keys first, then
 * template prefixes (`k8s.pod.labels.app` → `k8s.pod.label.app`).
 */
export function deprecatedAttribute(key: string, kind?: SpanKind): DeprecatedUse | null {
  let entry = exact.get(key);
  let suffix = '';
  if (!entry) {
    for (const t of templates) {
      if (key.length > t.key.length + 1 && key.startsWith(t.key) && key.charCodeAt(t.key.length) === 46 /* . */) {
        entry = t;
        suffix = key.slice(t.key.length);
        break;
      }
    }
    if (!entry) return null;
  }
  const base = (kind && entry.byKind?.[kind]) ?? entry.replacement;
  return { entry, ...(base ? { replacement: base + suffix } : {}) };
}
