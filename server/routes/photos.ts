// Milestone photos, read back: a manager (an order they may see) and a supplier (its own orders)
// get the bytes the mini-program stored; any other caller gets "not found" (shared/access).
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Viewer } from '../../shared/access/index.js';
import type { Config } from '../../shared/config/index.js';
import { NotFoundError } from '../../shared/errors/index.js';
import { milestonePhotoFor, MILESTONES } from '../../shared/orders/index.js';
import { Reply, route, type AnyRoute } from '../http/route.js';
import { objectId } from '../validation.js';

const milestonePhotoParams = z.object({ id: objectId, milestone: z.enum(MILESTONES), photoId: z.string().uuid() }).strict();

/**
 * A milestone photo's bytes (manager: an order they may see; supplier: its own), as stored by the
 * mini-program upload. Small enough to serve whole: the console shows it scaled as a thumbnail.
 */
export function milestonePhotoRoute(config: Config, path: string, access: 'manager' | 'supplier', tag: string): AnyRoute {
  return route({
    method: 'get',
    path,
    tag,
    access,
    summary: 'A photo of a milestone',
    params: milestonePhotoParams,
    responses: { 200: { description: 'The image', contentTypes: ['image/jpeg', 'image/png', 'image/webp'] } },
    handle: async (req, ctx) => {
      const p = await milestonePhotoFor(req.viewer as Viewer, req.params.id, req.params.milestone, req.params.photoId);
      const file = join(config.server.uploadDir, 'photos', p.id);
      if (!existsSync(file)) throw new NotFoundError('the photo file is gone');
      ctx.type = p.mimeType ?? 'application/octet-stream';
      ctx.set('Cache-Control', 'private, max-age=86400');
      return new Reply(200, createReadStream(file));
    },
  });
}
