// Day one of a real team (issue #20), over HTTP: "My WeChat" (link code + QR, unlink), the
// managers page (roles, language, time zone, working hours, deactivation, password resets),
// own password and sessions, the inbox's Unsorted tab and its sort actions, friend requests,
// the supplier page (create, edit, duplicates, merge) and the fair register.
// Records are reached through viewer-aware domain functions and shared/access only.
import QRCode from 'qrcode';
import { z } from 'zod';
import { visibleSupplierIds } from '../../shared/access/index.js';
import { ConflictError, msg } from '../../shared/errors/index.js';
import { supplierCard, supplierTotals } from '../../shared/inbox/index.js';
import { changeOwnPassword, endOwnSession, listActiveManagers, listOwnSessions, setPassword, updateAccount } from '../../shared/managers/accounts.js';
import { deactivateManager, issueLinkCode, reactivateManager, unlinkWechat, wechatLinkOf } from '../../shared/managers/link.js';
import { MANAGER_LANGS, MANAGER_ROLES, managerLang } from '../../shared/managers/model.js';
import { ordersFor } from '../../shared/orders/index.js';
import { CHECKS_NOW, runJobsNow } from '../../shared/scheduler/index.js';
import {
  createSupplier,
  findPossibleDuplicates,
  listFairs,
  mergeSuppliers,
  nextFairLetter,
  registerFair,
  SEGMENTS,
  setRouting,
  setSupplierTag,
  supplierFacets,
  supplierFor,
  updateSupplier,
  type PossibleDuplicate,
} from '../../shared/suppliers/index.js';
import { CONTACT_ROLES, decideFriendRequest, listFriendRequests, sortContact, unsortedFor, type SortDecision } from '../../shared/threads/index.js';
import * as c from '../contract.js';
import { SESSION_COOKIE } from '../http/access.js';
import { managerOf, Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { codeParams, idParams, objectId, password, supplierCode, text, timezone } from '../validation.js';
import { duplicateView, fairView, friendRequestView, orderSummary, supplierProfile, withShownCodes } from '../views.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const fairLetter = z
  .string()
  .trim()
  .regex(/^[A-Za-z]$/, 'one letter (never I or O)');
const shortText = z.string().trim().max(200);
const list = z.array(z.string().trim().max(100)).max(50);

/** The profile fields a person edits (shared/suppliers/profile.ts checks them all at once). */
const profileFields = {
  name: text(200).optional(),
  nameEn: shortText.optional(),
  legalName: shortText.optional(),
  taxId: z.string().trim().max(40).optional(),
  emails: z.array(z.string().trim().max(200)).max(20).optional(),
  phones: z.array(z.string().trim().max(40)).max(20).optional(),
  region: shortText.optional(),
  province: shortText.optional(),
  port: shortText.optional(),
  categories: list.optional(),
  certifications: list.optional(),
  capacity: shortText.optional(),
  load: shortText.optional(),
  paymentTerms: shortText.optional(),
  language: z.enum(['zh', 'en']).optional(),
  timezone: timezone.optional(),
  managerId: objectId.nullable().optional(),
  backupManagerId: objectId.nullable().optional(),
  segment: z.enum(SEGMENTS).optional(),
};

const sortBody = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('supplier'), code: z.string().trim().max(12).optional(), fairLetter: fairLetter.optional(), name: z.string().trim().max(200).optional(), managerId: objectId.optional() })
    .strict(),
  z.object({ kind: z.literal('contact'), supplier: supplierCode, role: z.enum(CONTACT_ROLES).optional() }).strict(),
  z.object({ kind: z.literal('colleague'), managerId: objectId.optional(), name: z.string().trim().max(100).optional(), language: z.enum(MANAGER_LANGS).optional() }).strict(),
  z.object({ kind: z.literal('ignore'), confirm: z.literal(true).meta({ description: 'ignoring deletes what was mirrored of a private chat: say so' }) }).strict(),
]);

export function dayOneRoutes({ clock, translation }: RouteDeps): AnyRoute[] {
  const tag = 'team';
  const by = (req: { viewer: unknown }) => `manager:${managerOf(req).id}`;
  /** Possible duplicates the viewer may see (others are not disclosed). */
  const visibleDuplicates = async (req: { viewer: unknown }, ds: PossibleDuplicate[]) => {
    const ids = await visibleSupplierIds(managerOf(req));
    return ds.filter((d) => !ids || ids.has(String(d.supplier._id))).map(duplicateView);
  };
  /** Greetings translated into the reader's language, at most once per text (translation memory). */
  const translated = async (text: string, lang: string) => {
    if (!text.trim()) return null;
    try {
      return (await translation.translateText(text, managerLang(lang))).text;
    } catch {
      return null; // the original is shown; translation never blocks the list
    }
  };

  return [
    // ---- My WeChat ----
    route({
      method: 'get',
      path: '/api/console/me/wechat',
      tag,
      access: 'manager',
      summary: 'My linked WeChat (name and since when)',
      responses: { 200: { description: 'The link', schema: c.wechatLink } },
      handle: async (req) => wechatLinkOf(managerOf(req).id),
    }),
    route({
      method: 'post',
      path: '/api/console/me/wechat/link-code',
      tag,
      access: 'manager',
      summary: 'A one-time code (10 minutes) to send as `/link <code>` from my WeChat, with its QR',
      responses: { 201: { description: 'The code and a QR data URL', schema: z.object({ code: z.string(), expiresAt: z.union([z.string(), z.date()]), qr: z.string(), command: z.string() }) } },
      errors: [409],
      handle: async (req) => {
        const issued = await issueLinkCode(managerOf(req).id, clock());
        const command = `/link ${issued.code}`;
        return { ...issued, command, qr: await QRCode.toDataURL(command, { margin: 1, width: 220 }) };
      },
    }),
    route({
      method: 'delete',
      path: '/api/console/me/wechat',
      tag,
      access: 'manager',
      summary: 'Unlink my WeChat (no notices to it, its commands refused)',
      responses: { 204: { description: 'Unlinked' } },
      handle: async (req) => {
        await unlinkWechat(managerOf(req).id);
        return undefined;
      },
    }),
    // ---- own password and sessions ----
    route({
      method: 'put',
      path: '/api/console/me/password',
      tag,
      access: 'manager',
      summary: 'Change my password (the current one is asked; my other sessions end)',
      body: z.object({ oldPassword: z.string().min(1).max(256), newPassword: password }).strict(),
      responses: { 204: { description: 'Changed' } },
      errors: [409],
      handle: async (req, ctx) => {
        await changeOwnPassword(managerOf(req).id, req.body.oldPassword, req.body.newPassword, ctx.cookies.get(SESSION_COOKIE) ?? undefined);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/console/me/sessions',
      tag,
      access: 'manager',
      summary: 'My console sessions, newest first',
      responses: { 200: { description: 'Sessions', schema: c.list(c.sessionView) } },
      handle: async (req, ctx) => ({ items: await listOwnSessions(managerOf(req).id, ctx.cookies.get(SESSION_COOKIE) ?? undefined, clock()) }),
    }),
    route({
      method: 'delete',
      path: '/api/console/me/sessions/:id',
      tag,
      access: 'manager',
      summary: 'End one of my sessions',
      params: idParams,
      responses: { 204: { description: 'Ended' } },
      handle: async (req) => {
        await endOwnSession(managerOf(req).id, req.params.id);
        return undefined;
      },
    }),
    // ---- the managers page (admin) ----
    route({
      method: 'patch',
      path: '/api/console/managers/:id',
      tag,
      access: 'admin',
      summary: "Change an account's name, role, language, time zone, working hours or “sees all”",
      params: idParams,
      body: z
        .object({
          name: text(100).optional(),
          role: z.enum(MANAGER_ROLES).optional(),
          language: z.enum(MANAGER_LANGS).optional(),
          secondLanguage: z.enum(MANAGER_LANGS).nullable().optional().meta({ description: 'shown, marked, while the translation into language waits; null: none' }),
          timezone: timezone.optional(),
          workingHours: z.object({ from: hhmm, to: hhmm }).strict().nullable().optional(),
          seesAll: z.boolean().optional(),
        })
        .strict(),
      responses: { 200: { description: 'The account', schema: c.consoleUser } },
      handle: async (req) => updateAccount(req.params.id, req.body),
    }),
    route({
      method: 'post',
      path: '/api/console/managers/:id/deactivate',
      tag,
      access: 'admin',
      summary: 'Deactivate: sessions end, notices stop, WeChat commands refused',
      params: idParams,
      responses: { 204: { description: 'Deactivated' } },
      errors: [409],
      handle: async (req) => {
        if (req.params.id === managerOf(req).id) throw new ConflictError(msg('cannotDeactivateSelf'));
        await deactivateManager(req.params.id, clock());
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/console/managers/:id/reactivate',
      tag,
      access: 'admin',
      summary: 'Reactivate a deactivated account',
      params: idParams,
      responses: { 204: { description: 'Reactivated' } },
      handle: async (req) => {
        await reactivateManager(req.params.id);
        return undefined;
      },
    }),
    route({
      method: 'put',
      path: '/api/console/managers/:id/password',
      tag,
      access: 'admin',
      summary: "Reset an account's password (its sessions end)",
      params: idParams,
      body: z.object({ password }).strict(),
      responses: { 204: { description: 'Reset' } },
      handle: async (req) => {
        await setPassword(req.params.id, req.body.password);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/console/people',
      tag,
      access: 'manager',
      summary: 'Active managers (for pickers: responsible, backup, colleague)',
      responses: { 200: { description: 'Managers', schema: c.list(z.object({ id: z.string(), name: z.string(), role: z.string() })) } },
      handle: async () => ({ items: await listActiveManagers() }),
    }),
    // ---- Unsorted ----
    route({
      method: 'get',
      path: '/api/console/unsorted',
      tag: 'sorting',
      access: 'manager',
      summary: 'Contacts and rooms nobody sorted yet, with their first messages (translated) and proposals',
      responses: { 200: { description: 'Unsorted, latest activity first', schema: c.list(c.unsortedItem) } },
      handle: async (req) => ({ items: await unsortedFor(managerOf(req)) }),
    }),
    route({
      method: 'post',
      path: '/api/console/unsorted/:id/sort',
      tag: 'sorting',
      access: 'manager',
      summary: 'Sort a contact or room: new supplier, contact of a supplier (with role), colleague, ignore (confirmed)',
      params: idParams,
      body: sortBody,
      responses: { 200: { description: 'What was done', schema: c.sortResult } },
      errors: [404, 409],
      handle: async (req) => {
        const v = managerOf(req);
        const b = req.body;
        let decision: SortDecision;
        if (b.kind === 'contact') {
          const s = await supplierFor(v, b.supplier); // a supplier the sorter may not see is "not found"
          decision = { kind: 'contact', supplier: s.code, role: b.role };
        } else if (b.kind === 'supplier') decision = { kind: 'supplier', code: b.code || undefined, fairLetter: b.fairLetter?.toUpperCase(), name: b.name || undefined };
        else if (b.kind === 'colleague') decision = { kind: 'colleague', managerId: b.managerId, name: b.name, language: b.language };
        else decision = { kind: 'ignore' };
        const r = await sortContact(req.params.id, decision, by(req), clock());
        if (b.kind === 'supplier' && r.supplier) {
          // A plain manager is responsible for the supplier they create (else they could not see it).
          const managerId = b.managerId ?? (v.seesAll ? undefined : v.id);
          if (managerId) await setRouting(r.supplier.id, { managerId });
        }
        return r;
      },
    }),
    // ---- friend requests ----
    route({
      method: 'get',
      path: '/api/console/friend-requests',
      tag: 'sorting',
      access: 'manager',
      summary: 'Friend requests by status (default pending), greetings translated',
      query: z.object({ status: z.enum(['pending', 'accepting', 'accepted', 'declined', 'failed']).default('pending') }).strict(),
      responses: { 200: { description: 'Requests, oldest first', schema: c.list(c.friendRequestView) } },
      handle: async (req) => {
        const v = managerOf(req);
        const rs = await listFriendRequests(req.query.status);
        return { items: await Promise.all(rs.map(async (r) => friendRequestView(r, await translated(r.hello, v.language)))) };
      },
    }),
    route({
      method: 'post',
      path: '/api/console/friend-requests/:id/decision',
      tag: 'sorting',
      access: 'manager',
      summary: 'Accept or decline a friend request (the bot carries out an accept)',
      params: idParams,
      body: z.object({ accept: z.boolean() }).strict(),
      responses: { 200: { description: 'The request', schema: c.friendRequestView } },
      errors: [409],
      handle: async (req) => {
        const r = await decideFriendRequest(req.params.id, req.body.accept, by(req), clock());
        return friendRequestView(r, await translated(r.hello, managerOf(req).language));
      },
    }),
    // ---- the supplier page ----
    route({
      method: 'get',
      path: '/api/console/supplier-filters',
      tag: 'suppliers',
      access: 'manager',
      summary: 'Values the supplier and inbox filters offer',
      responses: {
        200: {
          description: 'Filter values',
          schema: z.object({ regions: z.array(z.string()), provinces: z.array(z.string()), categories: z.array(z.string()), certifications: z.array(z.string()), languages: z.array(z.string()) }),
        },
      },
      handle: async (req) => supplierFacets(managerOf(req)),
    }),
    route({
      method: 'post',
      path: '/api/console/suppliers',
      tag: 'suppliers',
      access: 'manager',
      summary: 'Create a supplier (plain number, fair letter or a chosen code) and see its possible duplicates',
      body: z
        .object({ ...profileFields, name: text(200), code: z.string().trim().max(12).optional(), fairLetter: fairLetter.optional(), wechatIds: z.array(z.string().trim().max(64)).max(10).optional() })
        .strict(),
      responses: { 201: { description: 'The supplier and possible duplicates', schema: c.supplierWrite } },
      errors: [409],
      handle: async (req) => {
        const v = managerOf(req);
        const { code, fairLetter: letter, name, nameEn, legalName, taxId, emails, phones, wechatIds, region, province, segment, managerId, ...rest } = req.body;
        const s = await createSupplier({
          name,
          nameEn,
          legalName,
          taxId,
          emails,
          phones,
          wechatIds,
          region,
          province,
          segment,
          code,
          fairLetter: letter?.toUpperCase(),
          managerId: managerId ?? (v.seesAll ? undefined : v.id),
        });
        const { supplier } = await updateSupplier(String(s._id), rest, by(req), clock());
        const dups = await findPossibleDuplicates(
          { name: supplier.name, legalName: supplier.legalName ?? undefined, taxId: supplier.taxId ?? undefined, emails: supplier.emails, phones: supplier.phones, wechatIds: supplier.wechatIds },
          supplier._id,
        );
        return { supplier: supplierProfile(supplier), possibleDuplicates: await visibleDuplicates(req, dups) };
      },
    }),
    route({
      method: 'get',
      path: '/api/console/suppliers/:code/page',
      tag: 'suppliers',
      access: 'manager',
      summary: 'The supplier page: card, whole profile, figures per currency, possible duplicates',
      params: codeParams,
      responses: { 200: { description: 'The page', schema: c.supplierPage } },
      handle: async (req) => {
        const v = managerOf(req);
        const s = await supplierFor(v, req.params.code);
        const now = clock();
        const [card, open, totals, dups] = await Promise.all([
          supplierCard(v, s),
          ordersFor({ ...v, seesAll: true }, { supplierCode: s.code, status: 'open' }),
          supplierTotals(v, s),
          findPossibleDuplicates({ name: s.name, legalName: s.legalName ?? undefined, taxId: s.taxId ?? undefined, emails: s.emails, phones: s.phones, wechatIds: s.wechatIds }, s._id),
        ]);
        return {
          ...card,
          shownCode: supplierProfile(s).shownCode,
          openOrders: await withShownCodes(open.items.map((o) => orderSummary(o, now))),
          profile: supplierProfile(s),
          totals,
          possibleDuplicates: await visibleDuplicates(req, dups),
        };
      },
    }),
    route({
      method: 'patch',
      path: '/api/console/suppliers/:code',
      tag: 'suppliers',
      access: 'manager',
      summary: "Edit a supplier's profile (every field checked at once; segment changes recorded)",
      params: codeParams,
      body: z.object(profileFields).strict(),
      responses: { 200: { description: 'The supplier and the possible duplicates its facts point to', schema: c.supplierWrite } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        const r = await updateSupplier(String(s._id), req.body, by(req), clock());
        return { supplier: supplierProfile(r.supplier), possibleDuplicates: await visibleDuplicates(req, r.possibleDuplicates) };
      },
    }),
    route({
      method: 'put',
      path: '/api/console/suppliers/:code/tag',
      tag: 'suppliers',
      access: 'manager',
      summary: 'Tag the code with the country and company abbreviation (`D12` → `D12 AUGI`), once the supplier has orders',
      params: codeParams,
      body: z
        .object({
          country: z
            .string()
            .trim()
            .regex(/^[A-Za-z]{2}$/, 'two letters such as CN'),
          abbr: z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9]{2,6}$/, '2–6 letters or digits'),
        })
        .strict(),
      responses: { 200: { description: 'The supplier, its code shown tagged', schema: c.supplierProfile } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        await setSupplierTag(s.code, req.body.country, req.body.abbr);
        return supplierProfile((await supplierFor(managerOf(req), s.code))!);
      },
    }),
    route({
      method: 'post',
      path: '/api/console/suppliers/:code/merge',
      tag: 'suppliers',
      // A merge moves every record of two suppliers and cannot be undone: head of purchasing or admin.
      access: 'head',
      summary: 'Merge another supplier into this one (the earliest code survives; everything moves); head of purchasing or admin',
      params: codeParams,
      body: z.object({ other: supplierCode }).strict(),
      responses: { 200: { description: 'The survivor', schema: z.object({ supplier: c.supplierProfile, merged: z.string(), moved: z.record(z.string(), z.number()) }) } },
      errors: [404, 409],
      handle: async (req) => {
        const v = managerOf(req);
        const [survivor, other] = [await supplierFor(v, req.params.code), await supplierFor(v, req.body.other)];
        const r = await mergeSuppliers(survivor._id, other._id, by(req), clock());
        return { supplier: supplierProfile(r.survivor), merged: other.code, moved: r.moved };
      },
    }),
    // ---- run the follow-up checks now ----
    route({
      method: 'post',
      path: '/api/console/checks/run',
      tag: 'notices',
      access: 'head',
      summary: 'Run the follow-up checks now (overdue, needs a date, pre-shipment, customs) instead of at their next interval; head of purchasing or admin',
      responses: {
        202: {
          description: 'Queued: the process running the scheduler runs the jobs within seconds; their notices then go out as usual',
          schema: z.object({ queued: z.array(z.string()), at: z.union([z.string(), z.date()]) }),
        },
      },
      handle: async () => new Reply(202, await runJobsNow(CHECKS_NOW)),
    }),
    // ---- the fair register ----
    route({
      method: 'get',
      path: '/api/fairs',
      tag: 'suppliers',
      access: 'manager',
      summary: 'The fair register (letter → fair) and the next free letter',
      responses: { 200: { description: 'Fairs', schema: z.object({ items: z.array(c.fairView), next: z.string().nullable() }) } },
      handle: async () => ({ items: (await listFairs()).map(fairView), next: await nextFairLetter().catch(() => null) }),
    }),
    route({
      method: 'post',
      path: '/api/fairs',
      tag: 'suppliers',
      access: 'manager',
      summary: 'Register a fair (no letter: the next free one; never I or O)',
      body: z.object({ letter: fairLetter.optional(), name: text(200), city: z.string().trim().max(100).optional(), from: z.string().max(10).optional(), to: z.string().max(10).optional() }).strict(),
      responses: { 201: { description: 'The fair', schema: c.fairView } },
      errors: [409],
      handle: async (req) => fairView(await registerFair({ ...req.body, letter: req.body.letter?.toUpperCase() }, by(req), clock())),
    }),
  ];
}
