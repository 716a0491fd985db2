import type { RequestContext } from '@vartija/kit';
import type { Loaders } from './loaders';

export type Context = RequestContext<Loaders>;
