import { SiteModel } from './site-model.ts'
import { SiteFile } from './site-schema.ts'
import { loadYamlFile, parseYamlText } from './yaml-file.ts'

export function loadSite(file: string): SiteModel {
  return new SiteModel(loadYamlFile(file, SiteFile))
}

export function parseSite(text: string, name = '<site>'): SiteModel {
  return new SiteModel(parseYamlText(text, SiteFile, name))
}
