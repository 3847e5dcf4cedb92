/**
 * Error types of dataset reading, writing and validation. Every failure the readers detect is one of
 * these, with a message meant for a chemist (which file part, frame, atom or line; what was expected)
 * and a machine-readable `detail` for the UI.
 */

/** Structured context of an error; all fields optional. Frames, atoms and lines are reported 1-based. */
export interface ErrorDetail {
  /** File name or npz member the error is about. */
  source?: string;
  /** 1-based line number in a text file. */
  line?: number;
  /** 1-based frame number. */
  frame?: number;
  /** 1-based atom number within the frame. */
  atom?: number;
  /** Array key (npz member / Properties column). */
  key?: string;
  expected?: string;
  found?: string;
}

/** Base class: anything wrong with the content of a dataset file. */
export class DatasetFormatError extends Error {
  // Names are spelled out (not new.target.name) so they survive minification.
  override name = 'DatasetFormatError';
  readonly detail: ErrorDetail;
  constructor(message: string, detail: ErrorDetail = {}) {
    super(message);
    this.detail = detail;
  }
}

/** The file (or text, or zip) is empty. */
export class EmptyFileError extends DatasetFormatError {
  override name = 'EmptyFileError';
}

/** A `.npy` stream is malformed (magic, version, header, truncated data). */
export class NpyFormatError extends DatasetFormatError {
  override name = 'NpyFormatError';
}

/** A `.npy` dtype this reader does not support (big-endian, structured, complex, unknown). */
export class UnsupportedDtypeError extends NpyFormatError {
  override name = 'UnsupportedDtypeError';
}

/** A `.npy` member holds pickled Python objects (dtype `|O`); callers skip these with a warning. */
export class PickledArrayError extends UnsupportedDtypeError {
  override name = 'PickledArrayError';
}

/** The zip container of an `.npz` is malformed or truncated. */
export class ZipFormatError extends DatasetFormatError {
  override name = 'ZipFormatError';
}

/** The zip declares more inflated bytes than the configured limit (zip bomb guard). */
export class ZipSizeLimitError extends ZipFormatError {
  override name = 'ZipSizeLimitError';
}

/** A text (XYZ / extended XYZ) file does not parse; `detail.line` says where. */
export class XyzParseError extends DatasetFormatError {
  override name = 'XyzParseError';
}

/** Arrays have inconsistent or wrong shapes (R vs F, E length, z length). */
export class DatasetShapeError extends DatasetFormatError {
  override name = 'DatasetShapeError';
}

/** A required array or key is missing. */
export class MissingFieldError extends DatasetFormatError {
  override name = 'MissingFieldError';
}

/** A NaN or ±Inf value; `detail.frame`/`detail.atom` say where. */
export class NonFiniteValueError extends DatasetFormatError {
  override name = 'NonFiniteValueError';
}

/** The atom order (species) changes between frames. */
export class AtomOrderError extends DatasetFormatError {
  override name = 'AtomOrderError';
}

/** Values that look like they are in other units than declared (e.g. positions in Bohr). */
export class UnitSanityError extends DatasetFormatError {
  override name = 'UnitSanityError';
}

/** A unit name that is not known. */
export class UnknownUnitError extends DatasetFormatError {
  override name = 'UnknownUnitError';
}
