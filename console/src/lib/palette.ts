// Label colours: a fixed categorical palette (Tableau 10 and Okabe–Ito, without their reds), so a
// valid box is never drawn in the error colour and an image with 50 valid boxes never looks
// wrong. Red belongs to errors alone (var(--error), dashed). Pure: no DOM.

/** Distinguishable on light and dark images alike; every hue (grey aside) is at least 25° from red. */
export const PALETTE: readonly string[] = [
  '#4e79a7', // blue
  '#f28e2b', // orange
  '#59a14f', // green
  '#b07aa1', // purple
  '#76b7b2', // teal
  '#edc948', // yellow
  '#c39bd3', // lilac
  '#17becf', // cyan
  '#bcbd22', // olive
  '#7b6fd6', // indigo
  '#56b4e9', // sky
  '#8c8c8c', // grey
];

/** The error colours of the two themes (styles.css --error), which no label may take. */
export const ERROR_COLOURS: readonly string[] = ['#c4161c', '#ff6b6b'];

/** A label's colour: the same name always gets the same colour, in every view. */
export function labelColour(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}

/** The hue (0..360) of a `#rrggbb` colour. */
export function hueOf(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}
