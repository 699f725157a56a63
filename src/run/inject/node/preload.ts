/**
 * dist/inject/node-preload.js: what every Node process of a Span Lens run loads first
 * (`--require` appended to NODE_OPTIONS by src/run/launch.ts). See agent.ts.
 */
import { startAgent } from './agent';

startAgent();
