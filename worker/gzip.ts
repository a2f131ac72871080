/** @module gzip in and out of the Worker, with the runtime's CompressionStream (stored blobs). */

export async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return through(bytes, new CompressionStream('gzip'));
}

/** Throws a TypeError when `bytes` are not a whole gzip stream. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return through(bytes, new DecompressionStream('gzip'));
}

async function through(bytes: Uint8Array, transform: TransformStream<BufferSource, Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const output = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform));
  return new Uint8Array(await output.arrayBuffer());
}
