import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'nestjs-smpp:public';

/** The route answers without an API key (health probes). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
