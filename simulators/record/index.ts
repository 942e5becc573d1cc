/** Recording of live MQTT traffic into JSON-lines files, and reading them back (validated). */
export { type Recorder, type RecorderOptions, type RecordSummary, startRecorder } from './recorder.ts'
export {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedMessage,
  type Recording,
  type RecordingHeader,
} from './recording-format.ts'
export { parseRecording, RecordingError, readRecording } from './recording-reader.ts'
export { RecordingWriter } from './recording-writer.ts'
export { type SimClock, systemClock } from './wall-clock.ts'
