/**
 * The soak's memory baseline: a Worker that does nothing, run under the same `wrangler dev` and
 * the same request count, so that what the dev runtime itself keeps per request is not taken for
 * a leak of netpol-edge.
 */
export default {
  fetch(): Response {
    return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
  },
};
