import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmppModuleOptions } from './config/smpp-options.interface.js';

/**
 * Options of `forRoot` / `forRootAsync` that shape the module itself, so they are read before any
 * factory runs (like TypeOrmModule.forFeature's data source): given next to `useFactory`, not
 * returned by it.
 */
export interface SmppModuleExtras {
  /** Register the module globally (default false). */
  isGlobal: boolean;
  /** The TypeORM DataSource to use, by the name given to TypeOrmModule (default: the default one). */
  dataSourceName: string | undefined;
  /**
   * Account names to provide for `@InjectSmppAccount(name)` besides those of `forRoot`'s static
   * options (forRootAsync cannot know them before its factory runs).
   */
  accountNames: readonly string[];
}

const EXTRAS: SmppModuleExtras = { isGlobal: false, dataSourceName: undefined, accountNames: [] };

export const {
  ConfigurableModuleClass: SmppConfigurableModule,
  MODULE_OPTIONS_TOKEN: SMPP_MODULE_OPTIONS,
  OPTIONS_TYPE: SMPP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMPP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmppModuleOptions>({ moduleName: 'Smpp' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSmppOptions')
  .setExtras(EXTRAS, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** What `SmppModule.forRoot()` takes: the module options, plus `isGlobal` and `accountNames`. */
export type SmppModuleForRootOptions = typeof SMPP_OPTIONS_TYPE;
/** What `SmppModule.forRootAsync()` takes: `useFactory` + `inject` / `useClass` / `useExisting`, `imports`, and the extras. */
export type SmppModuleAsyncOptions = typeof SMPP_ASYNC_OPTIONS_TYPE;

/** A class for `SmppModule.forRootAsync({ useClass })`: builds the options, e.g. from ConfigService. */
export interface SmppOptionsFactory {
  createSmppOptions(): SmppModuleOptions | Promise<SmppModuleOptions>;
}
