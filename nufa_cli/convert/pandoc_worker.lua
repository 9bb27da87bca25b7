-- Long-lived `pandoc lua` worker; nufa_cli/pandoc_worker.py starts it and talks to it.
--
-- Framing, both directions: a frame is "<decimal byte count>\n<bytes>". A request is one
-- JSON frame followed by as many binary frames as its "blobs" field says; a reply is
-- always one JSON frame and one binary frame (empty unless the reply carries output).
--
-- Requests:
--   {"op": "init", "reader": ..., "filters": {...}, "typst_template": ..., "odt_template": ...,
--    "reference_doc": ...}
--   {"op": "read", "markdown": ..., "lang": ...}
--     -> {"ok": true, "images": [src, ...], "warnings": [...]}
--   {"op": "write", "format": "docx"|"odt"|"typst"|"html", "lang":, "meta": {...},
--    "variables": {...},
--    "images": [{"src":, "path":, "mime":}], "blobs": n}
--     -> {"ok": true, "warnings": [...]} + output bytes
--   {"op": "read_docx", "blobs": 1}  (the DOCX file's bytes; `nufa import`)
--     -> {"ok": true, "blocks": [{"t": "Header", "level":, "text":} | {"t": "Table", "rows":
--        [[cell text]]} | {"t": "Div", "style":, "text":, "label":, "value":} | {"t":, "text":}],
--        "title": text, "images": [src, ...], "warnings": [...]}
--   {"op": "write_markdown", "blocks": [index, ...], "shift": n, "images": {src: new src}}
--     -> {"ok": true, "warnings": [...]} + the blocks of the last read DOCX as Markdown
-- Errors: {"ok": false, "error": message}.
--
-- The worker reads no file on a document's behalf. `pandoc lua` has no --sandbox, so:
-- Markdown is parsed in pandoc's sandbox (pandoc.read with an empty file list); the
-- DOCX and ODT writers are not sandboxed and would read any image path, absolute ones
-- even with an empty resource path, and fetch URLs, so every image is replaced by a media bag
-- entry holding bytes Python read after checking the path, and an image Python did not
-- check stops the job.

local json = pandoc.json

local function read_frame()
  local line = io.stdin:read("l")
  if line == nil then return nil end
  local size = tonumber(line)
  if size == nil then error("bad frame header: " .. line) end
  if size == 0 then return "" end
  local data = io.stdin:read(size)
  if data == nil or #data ~= size then error("truncated frame") end
  return data
end

local function write_frame(data)
  io.stdout:write(tostring(#data), "\n", data)
end

local config = nil   -- from the init request
local log_seen = 0   -- pandoc's log entries already reported
local filters = {}   -- format -> list of filter tables, "common" first
local current = nil  -- the document of the last read request, filtered by common.lua
local current_has_images = false  -- its text holds an image ("![")

local function load_filters(paths)
  local loaded = {}
  for _, path in ipairs(paths) do
    local chunk = assert(loadfile(path))
    for _, filter in ipairs(chunk()) do table.insert(loaded, filter) end
  end
  return loaded
end

local function apply(doc, list)
  for _, filter in ipairs(list) do doc = doc:walk(filter) end
  return doc
end

local function collect_images(doc)
  local seen, images = {}, {}
  doc:walk({
    Image = function(image)
      if not seen[image.src] then
        seen[image.src] = true
        table.insert(images, image.src)
      end
    end,
  })
  return images
end

-- Pandoc's warnings since the last call (duplicate ids, unused footnotes...).
local function new_warnings()
  local log = PANDOC_STATE.log
  local warnings = {}
  for i = log_seen + 1, #log do
    local entry = json.decode(json.encode(log[i]), false)
    if entry.verbosity == "WARNING" or entry.verbosity == "ERROR" then
      table.insert(warnings, entry.pretty)
    end
  end
  log_seen = #log
  return warnings
end

local function init(request)
  config = request
  for format, paths in pairs(request.filters) do filters[format] = load_filters(paths) end
  if request.typst_template then  -- a worker that only reads DOCX has no templates
    config.typst_template = pandoc.template.compile(request.typst_template)
    config.odt_template = pandoc.template.compile(request.odt_template)
  end
  return { ok = true }
end

local function read(request)
  NUFA = { lang = request.lang }
  -- An empty file list runs the reader in pandoc's sandbox with no files at all.
  local doc = pandoc.read(request.markdown, config.reader, {}, {})
  current = apply(doc, filters.common)
  -- Every image is written "![...]": a text without one has none, and needs no walk for them.
  current_has_images = request.markdown:find("![", 1, true) ~= nil
  local images = current_has_images and collect_images(current) or {}
  return { ok = true, images = images, warnings = new_warnings() }
end

local function metadata(meta)
  local result = {}
  for key, value in pairs(meta) do
    if type(value) == "boolean" then
      result[key] = value
    else
      -- Plain words and spaces: the writer escapes them like any document text.
      result[key] = pandoc.Inlines(value)
    end
  end
  return result
end

local function write(request, blobs)
  if current == nil then error("write without read") end
  -- A new document of the read one's blocks and a copy of its metadata: this write's
  -- metadata (a PDF's title and footer) must not reach the next write of the same text.
  local meta = {}
  for key, value in pairs(current.meta) do meta[key] = value end
  local doc = pandoc.Pandoc(current.blocks, meta)
  NUFA = { lang = request.lang }

  local by_src = {}
  pandoc.mediabag.empty()
  for i, image in ipairs(request.images) do
    by_src[image.src] = image
    if request.format == "docx" or request.format == "odt" then
      pandoc.mediabag.insert(image.path, image.mime, blobs[i])
    end
  end
  if current_has_images then  -- every image must be one Python checked, whatever it sent
    doc = doc:walk({
      Image = function(image)
        local checked = by_src[image.src]
        if checked == nil then error("image not checked: " .. image.src) end
        image.src = checked.path
        return image
      end,
    })
  end

  for key, value in pairs(metadata(request.meta)) do doc.meta[key] = value end
  doc.meta.lang = request.lang
  doc = apply(doc, filters[request.format])

  local function written()
    if request.format == "docx" then
      return pandoc.write(doc, "docx", { reference_doc = config.reference_doc })
    elseif request.format == "odt" then
      return pandoc.write(doc, "odt", { template = config.odt_template })
    elseif request.format == "typst" then
      return pandoc.write(doc, "typst", {
        template = config.typst_template,
        variables = request.variables,
      })
    elseif request.format == "html" then
      -- A fragment for nufa site's pages: its ids prefixed, so none meets one of the page's.
      return pandoc.write(doc, "html5", { identifier_prefix = "dok-", wrap_text = "none" })
    end
    error("unknown format: " .. tostring(request.format))
  end

  local output
  if request.epoch then
    -- The document's own build time: the DOCX and ODT writers date their files from
    -- SOURCE_DATE_EPOCH, which the process was started with for the whole build.
    local env = pandoc.system.environment()
    env.SOURCE_DATE_EPOCH = tostring(math.tointeger(request.epoch))
    output = pandoc.system.with_environment(env, written)
  else
    output = written()
  end
  pandoc.mediabag.empty()
  return { ok = true, warnings = new_warnings() }, output
end

-- Reading a DOCX (`nufa import`): the document as pandoc reads it, its styles kept as
-- custom-style attributes so the header block and the title can be told apart; Python
-- decides from the description which blocks are what, then asks for them as Markdown.
local imported = nil  -- the document of the last read_docx request

local function text_of(value)
  return pandoc.utils.stringify(value)
end

local function cells(tbl)
  local rows = {}
  local function add(list)
    for _, row in ipairs(list) do
      local texts = {}
      for _, cell in ipairs(row.cells) do table.insert(texts, text_of(cell.contents)) end
      table.insert(rows, texts)
    end
  end
  add(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    add(body.head)
    add(body.body)
  end
  add(tbl.foot.rows)
  return rows
end

-- A paragraph opening with a styled span ("Docheader Label" in nufa's DOCX): label, value.
local function labelled(div)
  local first = div.content[1]
  if not first or (first.t ~= "Para" and first.t ~= "Plain") then return nil, nil end
  local span = first.content[1]
  if not span or span.t ~= "Span" or not span.attributes["custom-style"] then return nil, nil end
  local rest = pandoc.Inlines({})
  for i = 2, #first.content do rest:insert(first.content[i]) end
  return text_of(span), text_of(rest)
end

local function describe(block)
  if block.t == "Header" then
    return { t = "Header", level = block.level, text = text_of(block) }
  elseif block.t == "Table" then
    return { t = "Table", rows = cells(block) }
  elseif block.t == "Div" then
    local label, value = labelled(block)
    return { t = "Div", style = block.attributes["custom-style"] or "", text = text_of(block),
             label = label, value = value }
  elseif block.t == "Para" or block.t == "Plain" then
    return { t = block.t, text = text_of(block) }
  end
  return { t = block.t, text = text_of(block) }
end

local function read_docx(request, blobs)
  -- An empty file list: pandoc's sandbox, the DOCX's own parts only.
  imported = pandoc.read(blobs[1], "docx+styles", {}, {})
  local blocks = {}
  for i, block in ipairs(imported.blocks) do blocks[i] = describe(block) end
  -- A paragraph in the style Title at the very start is the metadata's title to pandoc.
  local title = imported.meta.title and text_of(imported.meta.title) or ""
  return { ok = true, blocks = blocks, title = title, images = collect_images(imported),
           warnings = new_warnings() }
end

local function tighten(list)
  for _, item in ipairs(list.content) do
    if #item ~= 1 or item[1].t ~= "Para" then return nil end
  end
  for _, item in ipairs(list.content) do item[1] = pandoc.Plain(item[1].content) end
  return list
end

local WRITER = "markdown-smart-simple_tables-multiline_tables-raw_html-raw_attribute-raw_tex"
  .. "-tex_math_dollars-citations-native_divs-native_spans-bracketed_spans-fenced_divs"

local function write_markdown(request)
  if imported == nil then error("write_markdown without read_docx") end
  local blocks = pandoc.Blocks({})
  for _, index in ipairs(request.blocks) do blocks:insert(imported.blocks[index + 1]) end
  local renamed = request.images or {}
  local doc = pandoc.Pandoc(blocks):walk({
    -- Word's paragraph and character styles are the look, which nufa's templates give.
    Div = function(div) return div.content end,
    Span = function(span) return span.content end,
    Header = function(header)
      header.level = math.max(1, math.min(6, header.level + (request.shift or 0)))
      header.identifier = ""  -- pandoc's own ids: the Markdown reader makes them again
      return header
    end,
    Image = function(image)
      local src = renamed[image.src]
      if src == nil then return {} end  -- not carried over: Python names it
      image.src = src
      image.attributes.height = nil  -- the width alone keeps the proportions
      local inches = tonumber((image.attributes.width or ""):match("^([%d.]+)in$"))
      if inches then image.attributes.width = string.format("%.1fcm", inches * 2.54) end
      return image
    end,
    -- Word writes every list item as a paragraph: one paragraph per item is a tight list.
    BulletList = function(list) return tighten(list) end,
    OrderedList = function(list) return tighten(list) end,
  })
  doc = doc:walk({  -- once the styles are gone: Word puts a space after a footnote's number
    Note = function(note)
      local first = note.content[1]
      if first and (first.t == "Para" or first.t == "Plain") and first.content[1]
          and first.content[1].t == "Space" then
        first.content:remove(1)
      end
      return note
    end,
  })
  local output = pandoc.write(doc, WRITER, { wrap_text = "none" })
  return { ok = true, warnings = new_warnings() }, output
end

local handlers = { init = init, read = read, write = write, read_docx = read_docx,
                   write_markdown = write_markdown }

local function serve()
  while true do
    local header = read_frame()
    if header == nil then return end
    local request = json.decode(header, false)
    local blobs = {}
    for i = 1, (request.blobs or 0) do blobs[i] = read_frame() end

    local handler = handlers[request.op]
    local ok, reply, output
    if handler == nil then
      ok, reply = false, "unknown op: " .. tostring(request.op)
    else
      ok, reply, output = pcall(handler, request, blobs)
    end
    if not ok then
      reply, output = { ok = false, error = tostring(reply) }, ""
    end
    write_frame(json.encode(reply))
    write_frame(output or "")
    io.stdout:flush()
  end
end

-- No user data directory (a reference.docx or template there would change the output)
-- and no resource path (an image missing from the media bag is not looked up on disk).
pandoc.with_state({ user_data_dir = os.getenv("NUFA_EMPTY_DIR"), resource_path = {} }, serve)
