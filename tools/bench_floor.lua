-- The floor of a conversion, for tools/bench.py: one `pandoc lua` process that reads each
-- rendered Markdown file once and writes it to DOCX and to typst with nufa's own filters,
-- template and reference.docx: the work nufa's converter cannot avoid, with none of its
-- bookkeeping (no worker protocol, no image checks, no DOCX post-processing).
--
--   pandoc lua bench_floor.lua FOLDER READER TEMPLATES
--
-- FOLDER holds list.txt (one "name<TAB>title<TAB>header" a line) and name.md for each; the
-- floor writes name.docx and name.typ beside them.

local folder, reader, templates = arg[1], arg[2], arg[3]

local function load_filters(name)
  return assert(loadfile(templates .. "/filters/" .. name .. ".lua"))()
end

local function apply(doc, list)
  for _, filter in ipairs(list) do doc = doc:walk(filter) end
  return doc
end

local function slurp(path)
  local handle = assert(io.open(path, "rb"))
  local data = handle:read("a")
  handle:close()
  return data
end

local function spit(path, data)
  local handle = assert(io.open(path, "wb"))
  handle:write(data)
  handle:close()
end

NUFA = { lang = "nb-NO" }
local common, docx, typst = load_filters("common"), load_filters("docx"), load_filters("typst")
local template = pandoc.template.compile(slurp(templates .. "/nufa.typ"))
local reference = templates .. "/reference.docx"

for line in io.lines(folder .. "/list.txt") do
  local name, title, header = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  local doc = apply(pandoc.read(slurp(folder .. "/" .. name .. ".md"), reader), common)
  doc.meta.lang = NUFA.lang
  spit(folder .. "/" .. name .. ".docx",
       pandoc.write(apply(doc, docx), "docx", { reference_doc = reference }))
  doc.meta.title = pandoc.Inlines(title)
  doc.meta.header = pandoc.Inlines(header)
  doc.meta["footer-note"] = pandoc.Inlines("")
  spit(folder .. "/" .. name .. ".typ",
       pandoc.write(apply(doc, typst), "typst", { template = template }))
end
