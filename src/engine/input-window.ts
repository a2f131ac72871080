/**
 * @module The stretch of a caller's chunk that sits copied in a WASM module's input area, where the
 * module reads lines many at a time: it is copied again only when the chunk changes or the next
 * line starts outside it. The core's flow-line scanner, the Hubble scanner and the CSV/VPC row
 * reader each keep one.
 */
export class InputWindow<Chunk> {
  /** The chunk the stretch was copied from (undefined: none yet, or forgotten). */
  private chunk: Chunk | undefined;
  /** The stretch [start, end), as offsets in the chunk; the area holds it from its first byte. */
  start = 0;
  end = 0;

  /** `area`: where the input area starts in the module's memory; `capacity`: its size in bytes. */
  constructor(
    private readonly area: number,
    readonly capacity: number,
  ) {}

  /** True when `chunk` is the one copied and the stretch holds its offset `start`. */
  holds(chunk: Chunk, start: number): boolean {
    return chunk === this.chunk && start >= this.start && start < this.end;
  }

  /** Copies `bytes` (which are `chunk`) from `start` into the area of `memory`, as much as fits. */
  copy(memory: Uint8Array, bytes: Uint8Array, start: number, chunk: Chunk): void {
    const end = Math.min(bytes.length, start + this.capacity);
    memory.set(bytes.subarray(start, end), this.area);
    this.chunk = chunk;
    this.start = start;
    this.end = end;
  }

  /** Forgets the stretch: the chunk's bytes may have changed (a source that refills one buffer). */
  forget(): void {
    this.chunk = undefined;
  }
}
