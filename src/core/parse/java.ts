/** Java LoggingSpanExporter (JUL) lines and OtlpJsonLoggingSpanExporter lines. TODO: implement. */
import { LineVerdict, type LineFormat } from './types';

export const javaLogging: LineFormat = {
  name: 'java-logging',
  mayMatch: () => false,
  createReader: () => ({ line: () => LineVerdict.NotMine, end: () => undefined }),
};

export const javaOtlpJson: LineFormat = {
  name: 'java-otlp-json',
  mayMatch: () => false,
  createReader: () => ({ line: () => LineVerdict.NotMine, end: () => undefined }),
};
