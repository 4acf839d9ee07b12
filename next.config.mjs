/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['postgres', 'bullmq', 'ioredis', 'pino'],
  poweredByHeader: false,
};
export default nextConfig;
