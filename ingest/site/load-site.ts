import { SiteModel, type SiteModelOptions } from './site-model.ts'
import { SiteFile } from './site-schema.ts'
import { withSecretsFromEnv } from './site-secrets.ts'
import { loadYamlFile, parseYamlText } from './yaml-file.ts'

/** Where `{ env: NAME }` secrets are read from; the gateway passes process.env from main.ts. */
export type SecretEnv = Readonly<Record<string, string | undefined>>

export function loadSite(file: string, secretEnv: SecretEnv = {}, options: SiteModelOptions = {}): SiteModel {
  return new SiteModel(loadYamlFile(file, withSecretsFromEnv(SiteFile, secretEnv)), options)
}

export function parseSite(text: string, name = '<site>', secretEnv: SecretEnv = {}): SiteModel {
  return new SiteModel(parseYamlText(text, withSecretsFromEnv(SiteFile, secretEnv), name))
}
