// GB/T 26875.3-2011 (城市消防远程监控系统 第3部分：报警传输网络通信协议): a pure codec, no I/O.
// docs/gbt26875.md describes the layout as implemented, the decisions and their sources.
export * from './catalogue.ts'
export * from './constants.ts'
export { type DataUnitResult, decodeDataUnit, encodeDataUnit } from './data-unit.ts'
export * from './flags.ts'
export * from './frame.ts'
export { decodeText, encodeFixedText, encodeText, fitText } from './gb18030.ts'
export type * from './objects.ts'
export { StreamDecoder, type StreamDecoderOptions, type StreamReport } from './stream-decoder.ts'
export * from './time-tag.ts'
