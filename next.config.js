/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // execa is bundled into the server code, not loaded as an external: Turbopack reaches an external through a
  // hashed link in .next/node_modules, which npm never packs, so an installed linkscape could not find it.
  poweredByHeader: false,
};
export default nextConfig;
