// Blob and File as the File API has them, and FormData as the XMLHttpRequest standard has it: a
// Blob's bytes are kept whole; a FormData body is sent as multipart/form-data, and formData()
// reads multipart/form-data and application/x-www-form-urlencoded bodies.

const bytesOfBlob = Symbol('bytes');

function normalizeType(type) {
  const t = type === undefined ? '' : String(type);
  return /^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : '';
}

class Blob {
  #type;
  constructor(parts = [], options = {}) {
    if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function') {
      throw new TypeError('Blob: blobParts (expected: an iterable of strings, ArrayBuffers, views or Blobs)');
    }
    const chunks = [];
    let total = 0;
    for (const part of parts) {
      let bytes;
      if (part instanceof Blob) bytes = part[bytesOfBlob];
      else if (internal.bufferOf(part) !== null) bytes = new Uint8Array(internal.copyBuffer(...internal.bufferOf(part)));
      else {
        let s = String(part);
        if (options?.endings === 'native') s = s.replace(/\r\n|\r/g, '\n');
        bytes = internal.encoder.encode(s);
      }
      chunks.push(bytes);
      total += bytes.byteLength;
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { all.set(c, at); at += c.byteLength; }
    this[bytesOfBlob] = all;
    this.#type = normalizeType(options?.type);
  }
  get size() { return this[bytesOfBlob].byteLength; }
  get type() { return this.#type; }
  slice(start = 0, end = undefined, contentType = '') {
    const size = this.size;
    const clamp = (v, d) => {
      if (v === undefined) return d;
      const n = Math.trunc(Number(v)) || 0;
      return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
    };
    const from = clamp(start, 0), to = clamp(end, size);
    const blob = new Blob([], { type: contentType });
    blob[bytesOfBlob] = this[bytesOfBlob].slice(from, Math.max(from, to));
    return blob;
  }
  async arrayBuffer() { return this[bytesOfBlob].slice().buffer; }
  async bytes() { return this[bytesOfBlob].slice(); }
  async text() { return internal.decoder.decode(this[bytesOfBlob]); }
  stream() { return internal.streamOf(this[bytesOfBlob].slice()); }
  get [Symbol.toStringTag]() { return 'Blob'; }
}

class File extends Blob {
  #name; #lastModified;
  constructor(bits, name, options = {}) {
    if (arguments.length < 2) throw new TypeError('File: 2 arguments required (expected: new File(bits, name))');
    super(bits, options);
    this.#name = String(name);
    this.#lastModified = options?.lastModified === undefined ? Date.now() : Number(options.lastModified);
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
  get [Symbol.toStringTag]() { return 'File'; }
}

/** Bytes of a Blob (not a copy), for bodies. */
internal.blobBytes = (blob) => blob[bytesOfBlob];
/** A Blob over bytes that nothing else holds (a WebSocket message's), without a copy. */
internal.blobOf = (bytes) => {
  const blob = new Blob();
  blob[bytesOfBlob] = bytes;
  return blob;
};

const entriesOf = Symbol('entries');

function entryValue(value, filename, who) {
  if (value instanceof Blob) {
    if (value instanceof File && filename === undefined) return value;
    const name = filename === undefined ? 'blob' : String(filename);
    const file = new File([], name, { type: value.type, lastModified: value instanceof File ? value.lastModified : undefined });
    file[bytesOfBlob] = value[bytesOfBlob];
    return file;
  }
  if (filename !== undefined) throw new TypeError(`${who}: a filename with a value that is not a Blob`);
  return String(value);
}

class FormData {
  constructor(form) {
    if (form !== undefined) throw new TypeError('FormData: a form element (expected: no argument; there is no DOM)');
    this[entriesOf] = [];
  }
  append(name, value, filename) { this[entriesOf].push([String(name), entryValue(value, filename, 'append')]); }
  set(name, value, filename) {
    const n = String(name), v = entryValue(value, filename, 'set');
    const list = this[entriesOf];
    const i = list.findIndex((e) => e[0] === n);
    if (i < 0) { list.push([n, v]); return; }
    list[i] = [n, v];
    this[entriesOf] = list.filter((e, j) => j <= i || e[0] !== n);
  }
  delete(name) { const n = String(name); this[entriesOf] = this[entriesOf].filter((e) => e[0] !== n); }
  get(name) { const n = String(name); return this[entriesOf].find((e) => e[0] === n)?.[1] ?? null; }
  getAll(name) { const n = String(name); return this[entriesOf].filter((e) => e[0] === n).map((e) => e[1]); }
  has(name) { const n = String(name); return this[entriesOf].some((e) => e[0] === n); }
  forEach(callback, thisArg) { for (const [k, v] of this[entriesOf]) callback.call(thisArg, v, k, this); }
  *entries() { for (const e of [...this[entriesOf]]) yield [e[0], e[1]]; }
  *keys() { for (const e of [...this[entriesOf]]) yield e[0]; }
  *values() { for (const e of [...this[entriesOf]]) yield e[1]; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'FormData'; }
}

/** A name or filename in a part's header, as the HTML standard escapes it. */
const escapeName = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

/** A FormData as a multipart/form-data body: [bytes, content type]. */
internal.encodeFormData = function encodeFormData(form) {
  const boundary = '----PierFormBoundary' + internal.cryptoBridge.randomUUID().replace(/-/g, '');
  const parts = [];
  for (const [name, value] of form[entriesOf]) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"`;
    if (value instanceof File) {
      head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}`;
      parts.push(head + '\r\n\r\n', value, '\r\n');
    } else {
      parts.push(head + '\r\n\r\n', value.replace(/\r\n|\r|\n/g, '\r\n'), '\r\n');
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return [new Blob(parts)[bytesOfBlob], `multipart/form-data; boundary=${boundary}`];
};

function indexOf(bytes, pattern, from) {
  outer: for (let i = from; i <= bytes.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/** A body's FormData by its content type: multipart/form-data or application/x-www-form-urlencoded. */
internal.decodeFormData = function decodeFormData(bytes, contentType) {
  const type = (contentType ?? '').toLowerCase();
  const form = new FormData();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(internal.decoder.decode(bytes))) form.append(k, v);
    return form;
  }
  const boundary = /^multipart\/form-data\s*;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!boundary) {
    throw new TypeError(`formData(): content-type '${contentType}' (expected: multipart/form-data with a boundary, or application/x-www-form-urlencoded)`);
  }
  const delimiter = internal.encoder.encode('--' + (boundary[1] ?? boundary[2]));
  let at = indexOf(bytes, delimiter, 0);
  if (at < 0) throw new TypeError('formData(): the multipart body has no boundary line');
  for (;;) {
    at += delimiter.length;
    if (bytes[at] === 45 && bytes[at + 1] === 45) return form; // "--": the last boundary
    at += 2; // CRLF
    const headEnd = indexOf(bytes, internal.encoder.encode('\r\n\r\n'), at);
    const next = indexOf(bytes, delimiter, headEnd < 0 ? at : headEnd);
    if (headEnd < 0 || next < 0) throw new TypeError('formData(): a multipart part is not terminated by the boundary');
    const head = internal.decoder.decode(bytes.subarray(at, headEnd));
    const content = bytes.subarray(headEnd + 4, next - 2);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new TypeError('formData(): a multipart part has no name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename === undefined) {
      form.append(name, internal.decoder.decode(content));
    } else {
      const partType = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      form.append(name, new File([content], filename, { type: partType }));
    }
    at = next;
  }
};

for (const c of [Blob, File, FormData]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
