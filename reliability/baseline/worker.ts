/**
 * The soak's memory baseline: a Worker that does nothing, run under the same `wrangler dev` and
 * sent the same requests (reliability/soak.ts), so that what the dev runtime itself keeps per
 * request is not taken for a leak of netpol-edge. It reads the body it is sent and answers with as
 * many bytes as the `x-reply-bytes` header asks (the soak's answers of that kind weighed that much).
 */
const MAX_REPLY_BYTES = 16 << 20;

export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    const asked = Number(request.headers.get('x-reply-bytes') ?? 0);
    const bytes = Number.isInteger(asked) && asked >= 0 && asked <= MAX_REPLY_BYTES ? asked : 0;
    return new Response('x'.repeat(bytes), { headers: { 'content-type': 'application/json' } });
  },
};
