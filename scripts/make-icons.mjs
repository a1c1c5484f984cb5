// Renders the app icons with no dependencies, so they can be regenerated anywhere and diff cleanly.
// Usage: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const THEME = [0x2f, 0x3b, 0x8f];
const PAPER = [0xf7, 0xf6, 0xf2];
const SS = 4; // samples per axis per pixel: 16 samples is plenty for smooth edges at icon sizes

// --- PNG encoding ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;
	for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

// pixels: RGBA bytes. Opaque images are written as RGB so no platform can treat them as transparent.
function encodePng(width, height, pixels, opaque) {
	const channels = opaque ? 3 : 4;
	const raw = Buffer.alloc((width * channels + 1) * height);
	for (let y = 0, o = 0; y < height; y++) {
		raw[o++] = 0; // filter: none; deflate does well enough on flat colour
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			for (let c = 0; c < channels; c++) raw[o++] = pixels[i + c];
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, opaque ? 2 : 6, 0, 0, 0], 8); // 8-bit, RGB/RGBA, no interlace
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

// --- Shapes: predicates over unit coordinates (0..1 across the image) ---

const ellipse = (cx, cy, rx, ry) => ({
	box: [cx - rx, cy - ry, cx + rx, cy + ry],
	hit: (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
});
const circle = (cx, cy, r) => ellipse(cx, cy, r, r);

function roundedSquare(radius) {
	return (x, y) => {
		const dx = Math.max(radius - x, x - (1 - radius), 0);
		const dy = Math.max(radius - y, y - (1 - radius), 0);
		return dx * dx + dy * dy <= radius * radius;
	};
}

// Thought bubble with trailing circles, in arbitrary units; it is normalised to its bounding box.
const BUBBLE = [ellipse(0, 0, 1, 0.74), circle(-0.52, 0.86, 0.17), circle(-0.82, 1.1, 0.1)];
const DOTS = [-0.42, 0, 0.42].map((x) => circle(x, 0, 0.13)); // "…" cut out of the bubble

// Centres the mark's bounding box at the image centre, its larger side spanning `span` of the image.
function placeMark(span) {
	const edge = (i, pick) => pick(...BUBBLE.map((s) => s.box[i]));
	const [x0, y0, x1, y1] = [
		edge(0, Math.min),
		edge(1, Math.min),
		edge(2, Math.max),
		edge(3, Math.max)
	];
	const k = Math.max(x1 - x0, y1 - y0) / span;
	const toMark = (x, y) => [(x - 0.5) * k + (x0 + x1) / 2, (y - 0.5) * k + (y0 + y1) / 2];
	return {
		bubble: (x, y) => BUBBLE.some((s) => s.hit(...toMark(x, y))),
		dots: (x, y) => DOTS.some((s) => s.hit(...toMark(x, y)))
	};
}

// --- Rasterising ---

// layers: [hit, rgb] painted in order; a sample takes the colour of the last layer that covers it.
function rasterise(size, layers) {
	const pixels = Buffer.alloc(size * size * 4);
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			const sum = [0, 0, 0, 0];
			for (let sy = 0; sy < SS; sy++) {
				for (let sx = 0; sx < SS; sx++) {
					const x = (px + (sx + 0.5) / SS) / size;
					const y = (py + (sy + 0.5) / SS) / size;
					const layer = layers.findLast(([hit]) => hit(x, y));
					if (!layer) continue;
					for (let c = 0; c < 3; c++) sum[c] += layer[1][c];
					sum[3]++;
				}
			}
			const i = (py * size + px) * 4;
			// Colour averaged over covered samples only, so edges fade in alpha rather than darkening.
			for (let c = 0; c < 3; c++) pixels[i + c] = sum[3] ? Math.round(sum[c] / sum[3]) : 0;
			pixels[i + 3] = Math.round((sum[3] * 255) / (SS * SS));
		}
	}
	return pixels;
}

// --- Icons ---

function icon(size, { fullBleed = false, span = 0.6 } = {}) {
	const mark = placeMark(span);
	const background = fullBleed ? () => true : roundedSquare(0.22);
	const layers = [
		[background, THEME],
		[(x, y) => background(x, y) && mark.bubble(x, y), PAPER],
		[(x, y) => background(x, y) && mark.dots(x, y), THEME]
	];
	return encodePng(size, size, rasterise(size, layers), fullBleed);
}

// Maskable: the mark's bounding-box diagonal must stay inside the 0.4-radius safe circle.
const OUTPUTS = {
	'static/icons/icon-192.png': icon(192),
	'static/icons/icon-512.png': icon(512),
	'static/icons/maskable-512.png': icon(512, { fullBleed: true, span: 0.54 }),
	'static/icons/apple-touch-icon.png': icon(180, { fullBleed: true }),
	'static/favicon.png': icon(48)
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, png] of Object.entries(OUTPUTS)) {
	mkdirSync(dirname(join(root, path)), { recursive: true });
	writeFileSync(join(root, path), png);
	console.log(`${path} ${png.length} bytes`);
}
