import { EmbeddedLibraryCatalog } from './embedded-catalog';
import { EmbeddedLibraryMemory } from './embedded-library-memory';

export { EmbeddedLibraryCatalog } from './embedded-catalog';
export type { EmbeddedLibraryVideo } from './embedded-catalog';
export { EmbeddedLibraryMemory } from './embedded-library-memory';
export { validateLibraryName, libraryFile } from './library-name';

/** An embedded library: its catalog and its memory. */
export interface EmbeddedLibrary {
  catalog: EmbeddedLibraryCatalog;
  memory: EmbeddedLibraryMemory;
}

/**
 * Opens the embedded library `name` under `cacheDir` (`<cacheDir>/libraries/<name>.json`; nothing is
 * written until a video is added): its catalog and its memory over the ingested videos.
 * @throws LongVidError `BAD_INPUT` for an invalid library name (see `validateLibraryName`).
 */
export function openEmbeddedLibrary(cacheDir: string, name: string): EmbeddedLibrary {
  const catalog = new EmbeddedLibraryCatalog(cacheDir, name);
  return { catalog, memory: new EmbeddedLibraryMemory(catalog) };
}
