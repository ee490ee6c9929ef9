export { createLibraryOperations } from './library-session';
export type { EvidenceVideo, SessionLibrary, LibraryAddOptions, LibraryAddReport, LibraryAskOptions, LibraryAskResult, RankedVideo, LibraryMoment, LibraryOperations, LibrarySessionParts } from './library-session';
export { expandVideoPaths, VIDEO_EXTENSIONS } from './library-paths';
export { parseLibraryQuestion } from './library-question';
export type { LibraryEntityQuestion } from './library-question';
