/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // execa and friends run only on the server; keep them out of the bundle.
  serverExternalPackages: ['execa'],
  poweredByHeader: false,
};
export default nextConfig;
