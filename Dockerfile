# WhatsApp Business for LiveChat: the production BFF, serving the built widget.
#
# UNTESTED: Docker could not run where this file was written. It follows the documented production start
# (docs/deploy.md) step by step; check it in your own pipeline before relying on it.
#
#   docker build -t whatsapp-livechat .
#   docker run --env-file prod.env -p 3000:3000 whatsapp-livechat

FROM node:20-bookworm-slim AS build
ENV COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN corepack enable
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile
# The widget (Vite) and the BFF (tsup); the sandbox is for development and staging rehearsals only.
RUN pnpm --filter @wa/widget --filter @wa/bff run build
# Only what the BFF needs at run time: its production dependencies, in a self-contained folder.
RUN pnpm --filter @wa/bff deploy --prod --legacy /out/bff \
 && cp -r apps/bff/dist /out/bff/dist \
 && mkdir -p /out/widget && cp -r apps/widget/dist /out/widget/dist

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    WIDGET_DIST=/app/widget/dist \
    SHUTDOWN_TIMEOUT_MS=25000
WORKDIR /app
COPY --from=build --chown=node:node /out/bff /app/bff
COPY --from=build --chown=node:node /out/widget /app/widget
USER node
EXPOSE 3000
# Graceful shutdown (docs/deploy.md#shutdown) runs on SIGTERM; give `docker stop` more than SHUTDOWN_TIMEOUT_MS:
# `docker stop -t 30`.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bff/dist/main.js"]
