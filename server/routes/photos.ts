// Milestone photos, read back: a manager (an order they may see) and a supplier (its own orders)
// get the bytes the mini-program stored; any other caller gets "not found" (shared/access).
import { z } from 'zod';
import type { Viewer } from '../../shared/access/index.js';
import { storageKeys, type FileStorage } from '../../shared/storage/index.js';
import { msg, NotFoundError } from '../../shared/errors/index.js';
import { milestonePhotoFor, MILESTONES } from '../../shared/orders/index.js';
import { messageFor } from '../../shared/threads/index.js';
import { Reply, route, type AnyRoute } from '../http/route.js';
import { idParams, objectId } from '../validation.js';

const milestonePhotoParams = z.object({ id: objectId, milestone: z.enum(MILESTONES), photoId: z.string().uuid() }).strict();

/**
 * A milestone photo's bytes (manager: an order they may see; supplier: its own), as stored by the
 * mini-program upload. Small enough to serve whole: the console shows it scaled as a thumbnail.
 */
export function milestonePhotoRoute(storage: FileStorage, path: string, access: 'manager' | 'supplier', tag: string): AnyRoute {
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
      const body = await storage.get(storageKeys.milestonePhoto(p.id));
      if (!body) throw new NotFoundError(msg('photoFileGone'));
      ctx.type = p.mimeType ?? 'application/octet-stream';
      ctx.set('Cache-Control', 'private, max-age=86400');
      return new Reply(200, body);
    },
  });
}

/**
 * The bytes of a chat image, video or file the bot kept (shared/storage), for a manager who may
 * see the message's thread; any other manager gets "not found", as for a message kept as
 * metadata only (over the size limit).
 */
export function chatMediaRoute(storage: FileStorage, tag: string): AnyRoute {
  return route({
    method: 'get',
    path: '/api/messages/:id/media',
    tag,
    access: 'manager',
    summary: 'The file of a chat image, video or file message',
    params: idParams,
    responses: { 200: { description: 'The file as WeChat sent it', contentTypes: ['application/octet-stream', 'image/jpeg', 'image/png', 'video/mp4'] } },
    handle: async (req, ctx) => {
      const m = await messageFor(req.viewer as Viewer, req.params.id);
      const key = m.media?.storedKey;
      const body = key ? await storage.get(key) : null;
      if (!body) throw new NotFoundError(m.media?.notStored ? `the file was not kept (${m.media.notStored})` : 'no file for this message');
      ctx.type = m.media?.mimeType ?? 'application/octet-stream';
      const name = (m.media?.name ?? 'file').replace(/[^\w.\- ]/g, '_');
      ctx.set('Content-Disposition', `${m.type === 'image' || m.type === 'video' ? 'inline' : 'attachment'}; filename="${name}"; filename*=UTF-8''${encodeURIComponent(m.media?.name ?? 'file')}`);
      ctx.set('Cache-Control', 'private, max-age=86400');
      return new Reply(200, body);
    },
  });
}
