// ConvLab's image decoder, a worker of its own: it decodes one image and scales it down
// (createImageBitmap with resize options) on this thread, so that neither blocks the page. Where
// the worker can draw (OffscreenCanvas) it sends back the small image's RGBA pixels on white
// (WebKit sometimes draws a bitmap sent from a worker blank); else, or if the browser ignored the
// resize options (`max`: the longest side the page takes), the bitmap itself (transferred, not
// copied); if the browser cannot decode the file, the reason as text. The page starts one per
// image and ends it after the answer.
onmessage = async ({ data: { blob, options, max } }) => {
  try {
    const bitmap = await createImageBitmap(blob, options);
    const { width, height } = bitmap;
    if (typeof OffscreenCanvas !== 'function' || Math.max(width, height) > max) {
      postMessage(bitmap, [bitmap]);
      return;
    }
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, width, height).data.buffer;
    postMessage({ width, height, rgba }, [rgba]);
  } catch (e) {
    postMessage(String(e));
  }
};
