// The ten socks of the upstream catalogue-db dump: ids, names and prices are the real ones.
export interface Sock {
  id: string;
  name: string;
  description: string;
  imageUrl: string[];
  price: number;
  count: number;
  tag: string[];
}

function sock(id: string, name: string, price: number, count: number, tag: string[], description: string): Sock {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/(^-|-$)/g, "");
  return { id, name, description, price, count, tag, imageUrl: [`/catalogue/images/${slug}-1.svg`, `/catalogue/images/${slug}-2.svg`] };
}

export const SOCKS: readonly Sock[] = [
  sock("6d62d909-f957-430e-8689-b5129c0bb75e", "Weave special", 17.15, 33, ["geek", "magic"], "Limited issue Weave socks."),
  sock("a0a4f044-b040-410d-8ead-4de0446aec7e", "Nerd leg", 7.99, 115, ["blue", "skin"], "For the nerd in you."),
  sock("808a2de1-1aaa-4c25-a9b9-6612e8f29a38", "Crossed", 17.32, 738, ["blue", "action", "red", "formal"], "A mature sock, crossed."),
  sock("510a0d7e-8e83-4193-b483-e27e09ddc34d", "SuperSport XL", 15.0, 820, ["sport", "formal", "black"], "Ready for action."),
  sock("03fef6ac-1896-4ce8-bd69-b798f85c6e0b", "Holy", 99.99, 1, ["action", "magic"], "Socks fit for a Messiah."),
  sock("d3588630-ad8e-49df-bbd7-3167f7efb246", "YouTube.sock", 10.99, 801, ["geek", "formal"], "We were not paid to sell this sock."),
  sock("819e1fbf-8b7e-4f6d-811f-693534916a8b", "Figueroa", 14, 808, ["green", "formal", "blue"], "Enjoy the mountains."),
  sock("zzz4f044-b040-410d-8ead-4de0446aec7e", "Classic", 12, 127, ["brown", "green"], "Keep it simple."),
  sock("3395a43e-2d88-40de-b95f-e00e1502085b", "Colourful", 18, 438, ["brown", "blue"], "Proper colourful socks."),
  sock("837ab141-399e-4c1f-9abc-bace40296bac", "Cat socks", 15, 175, ["brown", "formal", "green"], "Consistency is key."),
];

export const TAGS: readonly string[] = [...new Set(SOCKS.flatMap((s) => s.tag))].sort();
