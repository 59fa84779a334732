// A ConvLab worker. The page starts the same wasm it runs itself in this thread, to compute on
// the CPU without freezing the page. Its first message is {glue, module}: the URL of the
// wasm-bindgen glue (ES module) and the page's compiled WebAssembly.Module, so nothing is
// fetched or compiled twice. Every later message is one encoded request (bytes); the answer goes
// back as bytes, in order. Requests that arrive while the wasm starts wait their turn.
let answer = null;
const waiting = [];

function reply(request) {
  const bytes = answer(request);
  postMessage(bytes, [bytes.buffer]);
}

onmessage = async ({ data }) => {
  if (data && data.glue) {
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.module });
    answer = glue.convlab_worker_answer;
    for (const request of waiting.splice(0)) reply(request);
  } else if (answer) {
    reply(data);
  } else {
    waiting.push(data);
  }
};
