// A CPU-heavy Worker: twenty million iterations of integer arithmetic per request.
function spin(n) {
  let h = 0;
  for (let i = 0; i < n; i++) h = (h * 31 + i) | 0;
  return h;
}
export default {
  async fetch(request) {
    const t0 = Date.now();
    const h = spin(20000000);
    return new Response(`${h} ${Date.now() - t0}\n`);
  },
};
