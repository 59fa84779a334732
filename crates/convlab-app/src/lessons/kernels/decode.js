// ConvLab's image decoder, a worker of its own: it decodes one image and scales it down
// (createImageBitmap with resize options) on this thread, so that neither blocks the page, and
// sends back the small bitmap (transferred, not copied) or, if the browser cannot decode the
// file, the reason as text. The page starts one per image and ends it after the answer.
onmessage = async ({ data: { blob, options } }) => {
  try {
    const bitmap = await createImageBitmap(blob, options);
    postMessage(bitmap, [bitmap]);
  } catch (e) {
    postMessage(String(e));
  }
};
