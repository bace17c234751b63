import {
  CounsellorAvailabilityBody,
  CounsellorFlagBody,
  CounsellorMatch,
  CounsellorRequestPage,
  CounsellorStatus,
  CreateReportBody,
  FollowedRoomPage,
  IdParams,
  PageQuery,
  ReportPage,
  ReportsQuery,
  ReportView,
  ReviewReportBody,
  RoomLikeResult,
} from '@rooms/protocol';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

/** Issue 18's core features on REST: room likes, rooms of people I follow, reports, counsellors. */
export function coreFeatureRoutes(app: HttpApp, s: Pick<Services, 'roomLikes' | 'reports' | 'counsellors' | 'accounts'>): void {
  const common = { onRequest: requireAuth(s.accounts) };
  const security = BEARER;

  app.post(
    '/rooms/:id/like',
    {
      ...common,
      schema: {
        tags: ['rooms'],
        security,
        description: 'Likes a room you can see, or takes your like back (a toggle). Not your own room.',
        params: IdParams,
        response: { 200: RoomLikeResult },
      },
    },
    async (req) => s.roomLikes.toggle(actorOf(req), req.params.id),
  );

  app.get(
    '/rooms/following',
    {
      ...common,
      schema: {
        tags: ['rooms'],
        security,
        description: 'Rooms created by the people you follow that you can see, newest first.',
        querystring: PageQuery,
        response: { 200: FollowedRoomPage },
      },
    },
    async (req) => s.roomLikes.followingRooms(actorOf(req), req.query),
  );

  const reports = { tags: ['reports'], security };
  app.post(
    '/reports',
    {
      ...common,
      schema: {
        ...reports,
        description: 'Report a message you can read, or a user. Reports of the same message (or user) merge while open.',
        body: CreateReportBody,
        response: { 201: ReportView },
      },
    },
    async (req, reply) => reply.code(201).send(await s.reports.file(actorOf(req), req.body)),
  );
  app.get(
    '/reports',
    {
      ...common,
      schema: {
        ...reports,
        description:
          'scope=review: the queue you may review (server admins: all; room admins: their rooms). scope=mine: your own reports and their outcome.',
        querystring: ReportsQuery,
        response: { 200: ReportPage },
      },
    },
    async (req) => s.reports.list(actorOf(req), req.query),
  );
  app.get('/reports/:id', { ...common, schema: { ...reports, params: IdParams, response: { 200: ReportView } } }, async (req) =>
    s.reports.get(actorOf(req), req.params.id),
  );
  app.patch(
    '/reports/:id',
    {
      ...common,
      schema: {
        ...reports,
        description: 'Resolve (with the action taken) or dismiss an open report.',
        params: IdParams,
        body: ReviewReportBody,
        response: { 200: ReportView },
      },
    },
    async (req) => s.reports.review(actorOf(req), req.params.id, req.body),
  );

  const counsellors = { tags: ['counsellors'], security };
  app.put(
    '/counsellors/:id',
    {
      ...common,
      schema: {
        ...counsellors,
        description: 'Server admins: set or clear the counsellor flag of a user.',
        params: IdParams,
        body: CounsellorFlagBody,
        response: { 200: CounsellorStatus },
      },
    },
    async (req) => s.counsellors.setFlag(actorOf(req), req.params.id, req.body.counsellor),
  );
  app.get('/counsellors/me', { ...common, schema: { ...counsellors, response: { 200: CounsellorStatus } } }, async (req) =>
    s.counsellors.status(actorOf(req).id),
  );
  app.post(
    '/counsellors/availability',
    {
      ...common,
      schema: {
        ...counsellors,
        description: 'Counsellors: mark yourself available (or not) for matches.',
        body: CounsellorAvailabilityBody,
        response: { 200: CounsellorStatus },
      },
    },
    async (req) => s.counsellors.setAvailability(actorOf(req), req.body.available),
  );
  app.post(
    '/counsellors/match',
    {
      ...common,
      schema: {
        ...counsellors,
        description:
          'Be matched with the least busy available counsellor in a new private room for the two of you; 409 counsellor_unavailable when nobody is available.',
        // No parameters: an unknown one is refused before a request is recorded (a miss is recorded even on 409).
        querystring: z.strictObject({}),
        response: { 201: CounsellorMatch },
      },
    },
    async (req, reply) => reply.code(201).send(await s.counsellors.match(actorOf(req))),
  );
  app.get(
    '/counsellors/requests',
    {
      ...common,
      schema: {
        ...counsellors,
        description: 'Counsellors: your matches and every missed request, newest first.',
        querystring: PageQuery,
        response: { 200: CounsellorRequestPage },
      },
    },
    async (req) => s.counsellors.requests(actorOf(req), req.query),
  );
}
