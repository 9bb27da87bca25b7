-- Filters for every document, run right after reading and before the format's filters.
-- The worker (nufa_cli/pandoc_worker.lua) sets the global NUFA = {lang = "nb-NO", ...}.

-- The reader extensions already keep raw markup out of the document; this is the second
-- lock: anything raw that still gets through is shown as text, never passed on as code.
local no_raw = {
  RawBlock = function(raw) return pandoc.CodeBlock(raw.text) end,
  RawInline = function(raw) return pandoc.Code(raw.text) end,
}

-- Pandoc's DOCX writer prints "…" whatever the language and typst picks its own marks;
-- write the Norwegian ones in both formats so DOCX and PDF agree.
local QUOTE_MARKS = {
  nb = { "«", "»", "‘", "’" },
  nn = { "«", "»", "‘", "’" },
  no = { "«", "»", "‘", "’" },
}

local quotes = {
  Quoted = function(quoted)
    local marks = QUOTE_MARKS[NUFA.lang:match("^(%a+)")]
    if not marks then return nil end
    local first = quoted.quotetype == "DoubleQuote" and 1 or 3
    local result = pandoc.Inlines({ pandoc.Str(marks[first]) })
    result:extend(quoted.content)
    result:insert(pandoc.Str(marks[first + 1]))
    return result
  end,
}

-- Grid tables take their column widths from the dashes, relative to a 72-character
-- line, so a narrow source table would print narrow. Every table with explicit widths
-- spans the full text width instead, keeping the proportions.
local full_width = {
  Table = function(tbl)
    local total = 0
    for _, spec in ipairs(tbl.colspecs) do
      local width = spec[2]
      if type(width) ~= "number" then return nil end
      total = total + width
    end
    if total <= 0 or total >= 0.999 then return nil end
    for i, spec in ipairs(tbl.colspecs) do
      tbl.colspecs[i] = { spec[1], spec[2] / total }
    end
    return tbl
  end,
}

-- A sak's title in the saksliste and the referat (::: {.sak}, in a table cell) is the sak's
-- heading, so a reader navigates the document by its saker: a level-1 heading with class
-- "sak", which each format's filter gives the look of the bold line it was.
local sak_headings = {
  Div = function(div)
    if div.classes:includes("sak") then
      local inlines = pandoc.utils.blocks_to_inlines(div.content, { pandoc.LineBreak() })
      return pandoc.Header(1, inlines, { class = "sak" })
    end
  end,
}

-- A link stays clickable only to the web, to an e-mail address or within the document:
-- javascript:, file:, data: or a path on the reader's disk would run or open what the
-- author chose. Others keep their text (nufa check refuses them: link-scheme).
local function allowed(target)
  local lower = target:lower()
  return target:sub(1, 1) == "#" or lower:match("^https?://") ~= nil
    or lower:match("^mailto:") ~= nil
end

local safe_links = {
  Link = function(link)
    if allowed(link.target) then return nil end
    return link.content
  end,
}

-- A range's dash keeps its neighbours on its line: "NUFA 25." at a line's end and
-- "– 26. oktober" on the next read as two things. A dash between spaces is a range when a
-- number follows it and a number (or "30. april": a word after one) stands before it; the
-- spaces around it become no-break spaces, in dates and times of generated and user text.
local NBSP = pandoc.Str("\u{a0}")
local GAP = { Space = true, SoftBreak = true }  -- a grid table's cell wraps its lines at spaces

local function ends_number(inlines, i)
  local el = inlines[i]
  if not el or el.t ~= "Str" then return false end
  if el.text:match("%d%.?$") then return true end
  local before = inlines[i - 2]
  return el.text:match("^%a+$") ~= nil and inlines[i - 1] and GAP[inlines[i - 1].t]
    and before ~= nil and before.t == "Str" and before.text:match("%d%.$") ~= nil
end

local range_dashes = {
  Inlines = function(inlines)
    for i = 3, #inlines - 2 do
      local dash, after = inlines[i], inlines[i + 2]
      if dash.t == "Str" and dash.text == "–" and GAP[inlines[i - 1].t]
          and GAP[inlines[i + 1].t] and after.t == "Str" and after.text:match("^%d")
          and ends_number(inlines, i - 2) then
        inlines[i - 1] = NBSP
        inlines[i + 1] = NBSP
      end
    end
    return inlines
  end,
}

-- Captions are numbered here, once for every format and per document: "Figur 1: …",
-- "Tabell 1: …". typst numbered figures itself and the DOCX writer not at all, so a caption
-- written "Figur 1: …" read "Figur 1: Figur 1: …" in the PDF and "Figur 1: …" in the DOCX;
-- typst's numbering is off (nufa.typ), and in the meeting packet its counter would run on
-- from one document into the next. A number the author wrote is replaced, as it would go
-- stale when a figure is added. The words until the language catalogue holds them:
local CAPTION_WORDS = {
  nb = { figure = "Figur", table = "Tabell" },
  nn = { figure = "Figur", table = "Tabell" },
  no = { figure = "Figur", table = "Tabell" },
}
local CAPTION_DEFAULT = { figure = "Figure", table = "Table" }
local AUTHOR_WORD = { figure = { "^[Ff]ig%.$", "^[Ff]igure?$" }, table = { "^[Tt]abel+$", "^[Tt]able$" } }

local function is_author_word(text, kind)
  for _, pattern in ipairs(AUTHOR_WORD[kind]) do
    if text:match(pattern) then return true end
  end
  return false
end

-- "Figur 1: ", "Fig. 2 – ", "Tabell 3. " at the start of a caption, taken off.
local function without_number(inlines, kind)
  local word, gap, number = inlines[1], inlines[2], inlines[3]
  if not (word and word.t == "Str" and is_author_word(word.text, kind)
      and gap and gap.t == "Space" and number and number.t == "Str"
      and number.text:match("^%d+[%.:]?$")) then
    return inlines
  end
  local rest = 4
  local sep = inlines[5]
  if not number.text:match("[%.:]$") and inlines[4] and inlines[4].t == "Space" and sep
      and sep.t == "Str" and (sep.text == ":" or sep.text == "–" or sep.text == "-") then
    rest = 6
  end
  if inlines[rest] and inlines[rest].t == "Space" then rest = rest + 1 end
  return pandoc.Inlines({ table.unpack(inlines, rest) })
end

local function numbered_caption(caption, kind, number)
  local words = CAPTION_WORDS[NUFA.lang:match("^(%a+)")] or CAPTION_DEFAULT
  local first = caption.long[1]
  if not first or (first.t ~= "Plain" and first.t ~= "Para") then return caption end
  local content = pandoc.Inlines({ pandoc.Str(words[kind]), pandoc.Space(),
                                   pandoc.Str(number .. ":"), pandoc.Space() })
  content:extend(without_number(first.content, kind))
  first.content = content
  return caption
end

local function has_caption(caption)
  return #caption.long > 0 and pandoc.utils.stringify(caption.long) ~= ""
end

local function number_captions(doc)
  local counts = { figure = 0, table = 0 }
  local function next_number(kind)
    counts[kind] = counts[kind] + 1
    return tostring(counts[kind])
  end
  return doc:walk({
    Figure = function(figure)
      if has_caption(figure.caption) then
        figure.caption = numbered_caption(figure.caption, "figure", next_number("figure"))
        -- the image's alt text describes the image, without the number the author wrote
        figure.content = figure.content:walk({
          Image = function(image)
            image.caption = without_number(image.caption, "figure")
            return image
          end,
        })
      end
      return figure
    end,
    Table = function(tbl)
      if has_caption(tbl.caption) then
        tbl.caption = numbered_caption(tbl.caption, "table", next_number("table"))
      end
      return tbl
    end,
  })
end

-- A row that reads as one statement ("Forslag til vedtak: …", "Vedtak: …") is not split
-- over two pages: the template wraps its cell in ::: {.keep} (_macros.md.j2), and here the
-- cell is marked nufa-keep for the format's filter (typst: an unbreakable cell; DOCX: the
-- row's cantSplit). A row taller than a page cannot be kept whole (typst would let it run
-- off the page), so only a cell of at most KEEP_LIMIT characters is marked: 20-odd lines.
local KEEP_LIMIT = 1000

local function keep_cells(rows)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      local only = cell.contents[1]
      if #cell.contents == 1 and only.t == "Div" and only.classes:includes("keep") then
        cell.contents = only.content
        if utf8.len(pandoc.utils.stringify(only.content)) <= KEEP_LIMIT then
          cell.attributes["nufa-keep"] = "1"
        end
      end
    end
  end
end

local keep_rows = {
  Table = function(tbl)
    for _, body in ipairs(tbl.bodies) do
      keep_cells(body.body)
    end
    return tbl
  end,
}

return {
  no_raw, quotes, full_width, sak_headings, safe_links, range_dashes, keep_rows,
  { Pandoc = number_captions },
}
