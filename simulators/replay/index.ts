/** Replay of recordings: live against a broker, or in virtual time for the scenario runner. */
export { shiftPayloadTs } from './payload-time.ts'
export { type LiveReplayOptions, type ReplaySummary, replayLive } from './replay-live.ts'
export type { DeviceLogin } from './replay-publishers.ts'
export {
  replayRecordingVirtual,
  type VirtualMessage,
  type VirtualReplayHandlers,
  type VirtualReplayOptions,
  type VirtualReplaySummary,
  virtualMessages,
} from './replay-virtual.ts'
